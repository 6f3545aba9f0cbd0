/* Validates the cost method: the firmware measures loops of known instruction count with the
 * board's timer and fails unless every measurement equals the known count within one tick
 * (40 instructions at 25 MHz, 50 at 20 MHz, 31.25 at 32 MHz) plus the measurement's own
 * overhead (the call, the loop's return, reading the timer: under 20 instructions). */
#include "board.h"

enum { measurement_overhead = 20 };

void loop_2(uint32_t n);
void loop_5(uint32_t n);

typedef struct {
    const char* name;
    void (*loop)(uint32_t);
    uint32_t iterations;
    uint32_t instructions_per_iteration;
} known_loop;

static const known_loop loops[] = {
    {"2-instruction loop", loop_2, 1000, 2},
    {"2-instruction loop", loop_2, 1000000, 2},
    {"5-instruction loop", loop_5, 200000, 5},
    {"5-instruction loop", loop_5, 8, 5},
};

int main(void) {
    int failures = 0;
    cost_clock_start();
    for (size_t i = 0; i < sizeof loops / sizeof loops[0]; ++i) {
        const known_loop* l = &loops[i];
        const uint64_t known = (uint64_t)l->iterations * l->instructions_per_iteration;
        const uint64_t before = cost_clock_ticks();
        l->loop(l->iterations);
        const uint64_t ticks = cost_clock_ticks() - before;
        const uint64_t measured = cost_clock_instructions(ticks);
        const uint64_t distance = measured > known ? measured - known : known - measured;
        const int ok = distance <= cost_clock_instructions(1) + measurement_overhead;
        failures += !ok;
        console_write(ok ? "ok   " : "FAIL ");
        console_write(l->name);
        console_write(" x ");
        console_uint(l->iterations);
        console_write(": known ");
        console_uint(known);
        console_write(" instructions, measured ");
        console_uint(ticks);
        console_write(" ticks = ");
        console_uint(measured);
        console_write(" instructions\n");
    }
    console_write(failures == 0 ? "icount method: valid\n" : "icount method: INVALID\n");
    return failures == 0 ? 0 : 1;
}
