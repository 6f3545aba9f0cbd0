#include "onednn_seed_net.hpp"

#include <oneapi/dnnl/dnnl.hpp>

#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace tinydigit::bench {

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

struct OnednnSeedNet::Impl {
    engine eng{engine::kind::cpu, 0};
    stream strm{eng};
    std::vector<primitive> prims;
    std::vector<std::unordered_map<int, memory>> args;
    std::mt19937 rng{42};
    std::string impls;

    void fill(memory& m, dt type) {
        const std::size_t bytes = m.get_desc().get_size();
        auto* p = static_cast<std::uint8_t*>(m.get_data_handle());
        if (type == dt::f32) {
            std::normal_distribution<float> d(0.0f, 0.05f);
            for (std::size_t i = 0; i < bytes / 4; ++i) {
                const float v = d(rng);
                std::memcpy(p + 4 * i, &v, 4);
            }
        } else if (type == dt::s32) {
            for (std::size_t i = 0; i < bytes / 4; ++i) {
                const std::int32_t v = static_cast<std::int32_t>(rng() % 2001) - 1000;
                std::memcpy(p + 4 * i, &v, 4);
            }
        } else {
            for (std::size_t i = 0; i < bytes; ++i) p[i] = static_cast<std::uint8_t>(rng());
        }
    }

    // Constant data in the layout the primitive wants (reordered once, outside the timing).
    memory constant(const memory::desc& want, const memory::dims& dims, dt type, tag user_tag) {
        memory user({dims, type, user_tag}, eng);
        fill(user, type);
        memory m(want, eng);
        reorder(user, m).execute(strm, user, m);
        strm.wait();
        return m;
    }

    memory to_layout(const memory& cur, const memory::desc& want) {
        if (cur.get_desc() == want) return cur;
        memory m(want, eng);
        prims.push_back(reorder(cur, m));
        args.push_back({{DNNL_ARG_FROM, cur}, {DNNL_ARG_TO, m}});
        return m;
    }

    template <typename PD>
    void note(const PD& pd) {
        impls += std::string(impls.empty() ? "" : ", ") + pd.impl_info_str();
    }

    // ReLU after the op; int8 outputs scaled back into u8 by a fixed factor (timing only).
    static primitive_attr relu_attr(bool int8) {
        primitive_attr attr;
        post_ops po;
        po.append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
        attr.set_post_ops(po);
        if (int8) attr.set_output_scales(0, {1.0f / 512});
        return attr;
    }

    // Appends a conv or inner product with random constant weights (user layout wtag) and
    // bias, reading src; returns its output.
    template <typename Primitive, typename PD>
    memory add_weighted(const PD& pd, const memory& src, const memory::dims& wdims, tag wtag, dt wt, dt bt) {
        note(pd);
        const memory in = to_layout(src, pd.src_desc());
        memory weights = constant(pd.weights_desc(), wdims, wt, wtag);
        memory bias = constant(pd.bias_desc(), {wdims[0]}, bt, tag::x);
        memory dst(pd.dst_desc(), eng);
        prims.push_back(Primitive(pd));
        args.push_back({{DNNL_ARG_SRC, in}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}});
        return dst;
    }
};

OnednnSeedNet::OnednnSeedNet(Precision precision) : impl_(std::make_unique<Impl>()) {
    Impl& n = *impl_;
    const bool q = precision == Precision::kInt8;
    const dt act = q ? dt::u8 : dt::f32, wt = q ? dt::s8 : dt::f32, bt = q ? dt::s32 : dt::f32;
    struct Conv {
        int out_c, kernel, pad;
        bool pool;
    };
    const Conv convs[] = {{32, 5, 3, false}, {32, 5, 2, true},  {64, 3, 2, false},
                          {64, 3, 1, true},  {256, 3, 1, false}, {256, 3, 1, true}};
    memory::dim c = 1, h = 28, w = 28;
    memory input({{1, c, h, w}, act, tag::nchw}, n.eng);
    n.fill(input, act == dt::f32 ? dt::f32 : dt::u8);
    memory cur = input;
    for (const Conv& layer : convs) {
        const memory::dim oh = h + 2 * layer.pad - layer.kernel + 1, ow = w + 2 * layer.pad - layer.kernel + 1;
        const memory::dims wdims{layer.out_c, c, layer.kernel, layer.kernel};
        convolution_forward::desc d(prop_kind::forward_inference, algorithm::convolution_direct,
                                    {{1, c, h, w}, act, tag::any}, {wdims, wt, tag::any}, {{layer.out_c}, bt, tag::any},
                                    {{1, layer.out_c, oh, ow}, act, tag::any}, {1, 1}, {layer.pad, layer.pad},
                                    {layer.pad, layer.pad});
        convolution_forward::primitive_desc pd(d, Impl::relu_attr(q), n.eng);
        cur = n.add_weighted<convolution_forward>(pd, cur, wdims, tag::oihw, wt, bt);
        c = layer.out_c;
        h = oh;
        w = ow;
        if (layer.pool) {
            const memory::dim ph = (h - 2) / 2 + 1, pw = (w - 2) / 2 + 1;
            pooling_forward::desc pdsc(prop_kind::forward_inference, algorithm::pooling_max, cur.get_desc(),
                                       {{1, c, ph, pw}, act, tag::any}, {2, 2}, {2, 2}, {0, 0}, {0, 0});
            pooling_forward::primitive_desc ppd(pdsc, n.eng);
            n.note(ppd);
            memory pdst(ppd.dst_desc(), n.eng);
            n.prims.push_back(pooling_forward(ppd));
            n.args.push_back({{DNNL_ARG_SRC, cur}, {DNNL_ARG_DST, pdst}});
            cur = pdst;
            h = ph;
            w = pw;
        }
    }
    // dense1 (4096 -> 128, ReLU) over the pooled map, then dense2 (128 -> 10, logits).
    {
        const memory::dims wdims{128, c, h, w};
        inner_product_forward::desc d(prop_kind::forward_inference, {{1, c, h, w}, act, tag::any}, {wdims, wt, tag::any},
                                      {{128}, bt, tag::any}, {{1, 128}, act, tag::any});
        inner_product_forward::primitive_desc pd(d, Impl::relu_attr(q), n.eng);
        cur = n.add_weighted<inner_product_forward>(pd, cur, wdims, tag::oihw, wt, bt);
    }
    {
        const memory::dims wdims{10, 128};
        inner_product_forward::desc d(prop_kind::forward_inference, {{1, 128}, act, tag::any}, {wdims, wt, tag::any},
                                      {{10}, bt, tag::any}, {{1, 10}, q ? dt::s32 : dt::f32, tag::any});
        inner_product_forward::primitive_desc pd(d, n.eng);
        n.add_weighted<inner_product_forward>(pd, cur, wdims, tag::oi, wt, bt);
    }
}

OnednnSeedNet::~OnednnSeedNet() = default;

void OnednnSeedNet::run() {
    Impl& n = *impl_;
    for (std::size_t i = 0; i < n.prims.size(); ++i) n.prims[i].execute(n.strm, n.args[i]);
    n.strm.wait();
}

const char* OnednnSeedNet::implementations() const { return impl_->impls.c_str(); }

const char* onednn_isa_name() {
    switch (get_effective_cpu_isa()) {
        case cpu_isa::sse41: return "sse41";
        case cpu_isa::avx: return "avx";
        case cpu_isa::avx2: return "avx2";
        case cpu_isa::avx2_vnni: return "avx2_vnni";
        case cpu_isa::avx512_core: return "avx512_core";
        case cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
        case cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
        case cpu_isa::avx512_core_amx: return "avx512_core_amx";
        default: return "other";
    }
}

}  // namespace tinydigit::bench
