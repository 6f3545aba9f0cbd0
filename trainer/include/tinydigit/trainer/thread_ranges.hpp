// Elementwise passes over several arrays in one OpenMP parallel region (Adam and the weight
// average over all parameters, a dropout mask): the arrays are taken as one sequence and cut
// into one contiguous piece per thread, so a pass costs one region and one barrier instead of
// one per array (28 parameters in the seed network, most of them biases too small to split),
// and the threads get equal work.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstddef>
#include <span>

namespace tinydigit::trainer {

// Calls fn(k, begin, end) for each thread's part [begin, end) of array k, sizes[k] elements
// long; every element of every array is in exactly one call. Cuts fall on multiples of 16
// elements of the sequence, so the vector loops see whole vectors.
template <class Fn>
void for_each_thread_range(std::span<const std::size_t> sizes, Fn&& fn) {
    std::size_t total = 0;
    for (const std::size_t n : sizes) total += n;
    const std::size_t blocks = (total + 15) / 16;
#pragma omp parallel
    {
        const auto threads = static_cast<std::size_t>(omp_get_num_threads());
        const auto t = static_cast<std::size_t>(omp_get_thread_num());
        const std::size_t begin = std::min(total, blocks * t / threads * 16);
        const std::size_t end = std::min(total, blocks * (t + 1) / threads * 16);
        std::size_t offset = 0;
        for (std::size_t k = 0; k < sizes.size() && offset < end; offset += sizes[k++]) {
            const std::size_t lo = std::max(begin, offset), hi = std::min(end, offset + sizes[k]);
            if (lo < hi) fn(k, lo - offset, hi - offset);
        }
    }
}

}  // namespace tinydigit::trainer
