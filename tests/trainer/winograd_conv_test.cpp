// The trainer's Winograd F(4x4, 3x3) convolution against oneDNN's direct convolution over
// random shapes: forward, input gradient, weight gradient, bias gradient. Winograd rounds
// differently (the transforms scale values by up to 8 and 1/24), so results agree to a
// tolerance: the largest difference within 1e-4 of the reference tensor's largest magnitude
// (measured: at most 1.0e-5 on these shapes; an indexing or transform error is of order 1).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "gradient_check.hpp"
#include "tinydigit/trainer/counter_rng.hpp"
#include "tinydigit/trainer/conv_layer.hpp"
#include "tinydigit/trainer/winograd_conv.hpp"

using namespace tinydigit::trainer;
using dnnl::memory;
using tinydigit::trainer::testing::OmpThreads;
using tinydigit::trainer::testing::random_values;

namespace {

struct Shape {
    int batch, ic, oc, height, width, pad;
};

struct Results {
    std::vector<float> dst, diff_src, diff_weights, diff_bias;
};

// oneDNN's direct convolution on the same plain layouts: nhwc activations, weights [ic][ky][kx][oc].
Results onednn_direct(Device& device, const Shape& s, const std::vector<float>& src, const std::vector<float>& weights,
                      const std::vector<float>& bias, const std::vector<float>& diff_dst) {
    using tag = memory::format_tag;
    const int oh = s.height + 2 * s.pad - 2, ow = s.width + 2 * s.pad - 2;
    const memory::desc src_d({s.batch, s.ic, s.height, s.width}, memory::data_type::f32, tag::nhwc),
        w_d({s.oc, s.ic, 3, 3}, memory::data_type::f32, tag::bcda), b_d({s.oc}, memory::data_type::f32, tag::a),
        dst_d({s.batch, s.oc, oh, ow}, memory::data_type::f32, tag::nhwc);
    const memory::dims strides{1, 1}, pad{s.pad, s.pad};
    const auto alg = dnnl::algorithm::convolution_direct;
    const dnnl::convolution_forward::primitive_desc fwd(
        {dnnl::prop_kind::forward_training, alg, src_d, w_d, b_d, dst_d, strides, pad, pad}, device.engine);
    const dnnl::convolution_backward_data::primitive_desc bd({alg, src_d, w_d, dst_d, strides, pad, pad},
                                                             device.engine, fwd);
    const dnnl::convolution_backward_weights::primitive_desc bw({alg, src_d, w_d, b_d, dst_d, strides, pad, pad},
                                                                device.engine, fwd);
    Results r{std::vector<float>(diff_dst.size()), std::vector<float>(src.size()), std::vector<float>(weights.size()),
              std::vector<float>(bias.size())};
    auto mem = [&](const memory::desc& d, const std::vector<float>& v) {
        return memory(d, device.engine, const_cast<float*>(v.data()));
    };
    dnnl::convolution_forward(fwd).execute(
        device.stream, {{DNNL_ARG_SRC, mem(src_d, src)}, {DNNL_ARG_WEIGHTS, mem(w_d, weights)},
                        {DNNL_ARG_BIAS, mem(b_d, bias)}, {DNNL_ARG_DST, mem(dst_d, r.dst)}});
    dnnl::convolution_backward_data(bd).execute(
        device.stream, {{DNNL_ARG_DIFF_DST, mem(dst_d, diff_dst)}, {DNNL_ARG_WEIGHTS, mem(w_d, weights)},
                        {DNNL_ARG_DIFF_SRC, mem(src_d, r.diff_src)}});
    dnnl::convolution_backward_weights(bw).execute(
        device.stream, {{DNNL_ARG_SRC, mem(src_d, src)}, {DNNL_ARG_DIFF_DST, mem(dst_d, diff_dst)},
                        {DNNL_ARG_DIFF_WEIGHTS, mem(w_d, r.diff_weights)}, {DNNL_ARG_DIFF_BIAS, mem(b_d, r.diff_bias)}});
    device.stream.wait();
    return r;
}

void check_close(const char* what, const std::vector<float>& ours, const std::vector<float>& reference) {
    REQUIRE(ours.size() == reference.size());
    float largest = 0.0f, worst = 0.0f;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        largest = std::max(largest, std::fabs(reference[i]));
        worst = std::max(worst, std::fabs(ours[i] - reference[i]));
    }
    INFO(std::string(what), ": largest difference ", worst, " at reference magnitude ", largest);
    CHECK(worst <= 1e-4f * largest);
    CHECK(largest > 0.0f);  // a vacuous comparison (all zeros) would prove nothing
}

void compare(Device& device, const Shape& s, std::uint64_t key) {
    CAPTURE(s.batch);
    CAPTURE(s.ic);
    CAPTURE(s.oc);
    CAPTURE(s.height);
    CAPTURE(s.width);
    CAPTURE(s.pad);
    WinogradConv ours(device.engine, s.batch, s.ic, s.height, s.width, s.oc, s.pad);
    const auto count = [](auto... dims) { return static_cast<std::size_t>((1 * ... * dims)); };
    const auto src = random_values(count(s.batch, s.height, s.width, s.ic), key);
    const auto weights = random_values(count(s.ic, 9, s.oc), key + 1);
    const auto bias = random_values(count(s.oc), key + 2);
    const auto diff_dst = random_values(count(s.batch, ours.out_height(), ours.out_width(), s.oc), key + 3);
    const Results reference = onednn_direct(device, s, src, weights, bias, diff_dst);

    // Stale values in the outputs must not leak into the results.
    Results r{std::vector<float>(diff_dst.size(), 7.0f), std::vector<float>(src.size(), 7.0f),
              std::vector<float>(weights.size(), 7.0f), std::vector<float>(bias.size(), 7.0f)};
    ours.forward(device.stream, src.data(), weights.data(), bias.data(), r.dst.data());
    ours.backward(device.stream, diff_dst.data(), r.diff_weights.data(), r.diff_bias.data(), r.diff_src.data());
    check_close("forward", r.dst, reference.dst);
    check_close("diff_src", r.diff_src, reference.diff_src);
    check_close("diff_weights", r.diff_weights, reference.diff_weights);
    check_close("diff_bias", r.diff_bias, reference.diff_bias);
}

}  // namespace

TEST_CASE("Winograd convolution matches oneDNN's direct convolution over random shapes") {
    Device device;
    CounterRng rng(1212);
    auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng.uniform() * static_cast<float>(hi - lo + 1)); };
    // The network's 3x3 shapes (small batch), then random ones: channel counts off the vector
    // width, odd map sizes (edge tiles), padding 0 to 2.
    std::vector<Shape> shapes{{2, 32, 64, 15, 15, 2}, {2, 64, 64, 17, 17, 1}, {2, 64, 256, 8, 8, 1},
                              {1, 256, 256, 8, 8, 1}};
    for (int i = 0; i < 12; ++i) {
        const int pad = pick(0, 2);
        shapes.push_back({pick(1, 3), pick(1, 40), pick(1, 40), pick(3 - 2 * pad, 13), pick(3 - 2 * pad, 13), pad});
    }
    for (std::size_t i = 0; i < shapes.size(); ++i) compare(device, shapes[i], 100 * i);
}

TEST_CASE("Winograd convolution gives the same results on two threads as on one") {
    Device device;
    const Shape s{3, 20, 24, 9, 11, 1};
    WinogradConv ours(device.engine, s.batch, s.ic, s.height, s.width, s.oc, s.pad);
    const auto src = random_values(static_cast<std::size_t>(s.batch * s.height * s.width * s.ic), 5);
    const auto weights = random_values(static_cast<std::size_t>(s.ic * 9 * s.oc), 6);
    const auto bias = random_values(static_cast<std::size_t>(s.oc), 7);
    const auto diff_dst =
        random_values(static_cast<std::size_t>(s.batch * ours.out_height() * ours.out_width() * s.oc), 8);
    auto run = [&] {
        Results r{std::vector<float>(diff_dst.size()), std::vector<float>(src.size()),
                  std::vector<float>(weights.size()), std::vector<float>(bias.size())};
        ours.forward(device.stream, src.data(), weights.data(), bias.data(), r.dst.data());
        ours.backward(device.stream, diff_dst.data(), r.diff_weights.data(), r.diff_bias.data(), r.diff_src.data());
        return r;
    };
    const Results one = run();
    const OmpThreads two(2);
    const Results both = run();
    // oneDNN's matmul may sum in another order on two threads; a race in the overlapping
    // tiles' scatter-add would lose whole contributions.
    check_close("forward", both.dst, one.dst);
    check_close("diff_src", both.diff_src, one.diff_src);
    check_close("diff_weights", both.diff_weights, one.diff_weights);
    check_close("diff_bias", both.diff_bias, one.diff_bias);
}

TEST_CASE("a conv layer on the own Winograd computes what it computes on oneDNN (blocked input, as in the network)") {
    Device device;
    const dnnl::memory::desc src({3, 16, 9, 9}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nChw8c);
    ConvLayer ours(device, "ours", src, 24, 3, 1, true, ConvChoice::kOwnWinograd);
    ConvLayer theirs(device, "theirs", src, 24, 3, 1, true, ConvChoice::kOneDnn);
    REQUIRE(ours.uses_own_winograd());
    REQUIRE(!theirs.uses_own_winograd());
    const auto ours_params = ours.parameters(), theirs_params = theirs.parameters();
    for (std::size_t i = 0; i < ours_params.size(); ++i) {
        const auto values = random_values(ours_params[i]->user_desc.get_size() / sizeof(float), 40 + i);
        testing::write_plain(device, values, ours_params[i]->value);
        testing::write_plain(device, values, theirs_params[i]->value);
    }
    dnnl::memory x(src, device.engine);
    testing::write_plain(device, random_values(src.get_size() / sizeof(float), 50), x);
    check_close("forward", testing::read_plain(device, ours.forward(x, Mode::kTrain)),
                testing::read_plain(device, theirs.forward(x, Mode::kTrain)));
    const auto dy_values = random_values(ours.dst_desc().get_size() / sizeof(float), 60);
    dnnl::memory dy_ours(ours.dst_desc(), device.engine), dy_theirs(theirs.dst_desc(), device.engine);
    testing::write_plain(device, dy_values, dy_ours);
    testing::write_plain(device, dy_values, dy_theirs);
    check_close("diff_src", testing::read_plain(device, ours.backward(dy_ours)),
                testing::read_plain(device, theirs.backward(dy_theirs)));
    for (std::size_t i = 0; i < ours_params.size(); ++i) {
        check_close(ours_params[i]->name.c_str(), testing::read_plain(device, ours_params[i]->grad),
                    testing::read_plain(device, theirs_params[i]->grad));
    }
}
