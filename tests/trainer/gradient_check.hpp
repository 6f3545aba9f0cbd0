// Finite-difference checks of a layer's backward pass. The scalar loss is L = sum(r * y) for a
// fixed random r, so dL/dy = r is what backward() receives; every analytic gradient (w.r.t. the
// input and each parameter) is compared with central differences of L.
#pragma once

#include <omp.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

#include "tinydigit/trainer/counter_rng.hpp"
#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer::testing {

// Runs a scope on n OpenMP threads (the test binary otherwise uses one, single_thread.cpp):
// for what splits work between threads and must not depend on how.
class OmpThreads {
public:
    explicit OmpThreads(int n) : previous_(omp_get_max_threads()) { omp_set_num_threads(n); }
    ~OmpThreads() { omp_set_num_threads(previous_); }
    OmpThreads(const OmpThreads&) = delete;
    OmpThreads& operator=(const OmpThreads&) = delete;

private:
    int previous_;
};

inline std::vector<float> read_plain(Device& device, const dnnl::memory& m) {
    auto plain = plain_desc(m.get_desc().dims());
    std::vector<float> values(plain.get_size() / sizeof(float));
    dnnl::memory out(plain, device.engine, values.data());
    reorder_into(device, m, out);
    device.stream.wait();
    return values;
}

inline void write_plain(Device& device, const std::vector<float>& values, const dnnl::memory& m) {
    auto plain = plain_desc(m.get_desc().dims());
    dnnl::memory in(plain, device.engine, const_cast<float*>(values.data()));
    reorder_into(device, in, m);
    device.stream.wait();
}

inline std::vector<float> random_values(std::size_t n, std::uint64_t key, float lo = -1.0f, float hi = 1.0f) {
    CounterRng rng(key);
    std::vector<float> v(n);
    for (float& x : v) x = rng.uniform(lo, hi);
    return v;
}

class GradientCheck {
public:
    GradientCheck(Device& device, Layer& layer, const dnnl::memory::desc& src_desc, std::uint64_t key)
        : device_(device), layer_(layer), src_(src_desc, device.engine) {
        x_ = random_values(src_desc.get_size() / sizeof(float), key);
        const auto dst_plain = plain_desc(layer.dst_desc().dims());
        r_ = random_values(dst_plain.get_size() / sizeof(float), key + 1);
        diff_dst_ = dnnl::memory(layer.dst_desc(), device.engine);
        write_plain(device, r_, diff_dst_);
    }

    std::vector<float>& input() { return x_; }

    double loss() {
        write_plain(device_, x_, src_);
        const auto y = read_plain(device_, layer_.forward(src_, Mode::kTrain));
        double sum = 0.0;
        for (std::size_t i = 0; i < y.size(); ++i) sum += static_cast<double>(r_[i]) * y[i];
        return sum;
    }

    // Runs forward + backward and checks `samples` entries of each gradient.
    void check(float step, double tolerance, std::size_t samples = 24) {
        loss();
        const auto diff_src_mem = layer_.backward(diff_dst_);
        device_.stream.wait();
        const auto diff_src = diff_src_mem ? read_plain(device_, diff_src_mem) : std::vector<float>{};
        std::vector<std::vector<float>> grads;
        for (Parameter* p : layer_.parameters()) grads.push_back(read_plain(device_, p->grad));

        if (!diff_src.empty()) {
            INFO("gradient w.r.t. the input");
            for (std::size_t s = 0; s < samples; ++s) {
                const std::size_t i = (s * 7919) % x_.size();
                const float saved = x_[i];
                x_[i] = saved + step;
                const double up = loss();
                x_[i] = saved - step;
                const double down = loss();
                x_[i] = saved;
                compare(diff_src[i], (up - down) / (2.0 * step), tolerance, i);
            }
        }
        const auto params = layer_.parameters();
        for (std::size_t k = 0; k < params.size(); ++k) {
            INFO("gradient w.r.t. " << params[k]->name);
            auto values = read_plain(device_, params[k]->value);
            for (std::size_t s = 0; s < samples; ++s) {
                const std::size_t i = (s * 7919) % values.size();
                const float saved = values[i];
                values[i] = saved + step;
                write_plain(device_, values, params[k]->value);
                const double up = loss();
                values[i] = saved - step;
                write_plain(device_, values, params[k]->value);
                const double down = loss();
                values[i] = saved;
                write_plain(device_, values, params[k]->value);
                compare(grads[k][i], (up - down) / (2.0 * step), tolerance, i);
            }
        }
    }

private:
    static void compare(double analytic, double numeric, double tolerance, std::size_t index) {
        INFO("element " << index << ": analytic " << analytic << ", numeric " << numeric);
        CHECK(std::abs(analytic - numeric) <= tolerance * std::max(1.0, std::abs(numeric)));
    }

    Device& device_;
    Layer& layer_;
    dnnl::memory src_, diff_dst_;
    std::vector<float> x_, r_;
};

}  // namespace tinydigit::trainer::testing
