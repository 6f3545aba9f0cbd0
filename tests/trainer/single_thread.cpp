// CTest runs test cases in parallel on the 2-core machines: one oneDNN thread per process
// avoids OpenMP oversubscription (which slowed cases 10x) and keeps results deterministic.
#include <omp.h>

namespace {
const bool kSingleThread = (omp_set_num_threads(1), true);
}  // namespace
