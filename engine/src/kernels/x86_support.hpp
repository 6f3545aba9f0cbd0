// Helpers shared by the x86 variants (each variant's file is compiled with its own ISA flags).
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "tinydigit/engine/kernel_params.hpp"
#include "tinydigit/engine/requantize.hpp"

namespace tinydigit::engine::detail {

// Requantizes 4 consecutive channels' accumulators (already including the bias).
inline void requantize4(const Requant& rq, std::int32_t o, const std::int32_t* acc, std::int8_t* y, std::int32_t n) {
    for (std::int32_t i = 0; i < n; ++i)
        y[i] = requantize(acc[i], rq.multiplier[o + i], rq.shift[o + i], rq.out_zero_point, rq.act_min, rq.act_max);
}

}  // namespace tinydigit::engine::detail
