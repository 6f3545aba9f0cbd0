/* The cost clock: a free-running down-counter read often enough (every layer) to extend it
 * to 64 bits. Under `qemu -icount shift=0` one guest instruction takes 1 ns of virtual time,
 * so a counter at F Hz ticks once per 1e9 / F executed instructions.
 *
 * The board's build (cmake/Firmware.cmake) says which counter it has:
 *   BOARD_COST_CLOCK_HZ       its frequency (default: the MPS2 boards' 25 MHz)
 *   BOARD_COST_CLOCK_SYSTICK  the core's SysTick at the processor clock (24 bits), for boards
 *                             whose subsystem has no CMSDK timer (MPS3 AN547's SSE-300)
 *   BOARD_COST_CLOCK_NRF51    the nRF51's TIMER0, 32 bits at 16 MHz (micro:bit)
 *   BOARD_CMSDK_TIMER_BASE    else a CMSDK APB timer at this address (default 0x40000000) */
#include "board.h"

#ifndef BOARD_COST_CLOCK_HZ
#define BOARD_COST_CLOCK_HZ 25000000u
#endif
#ifndef BOARD_CMSDK_TIMER_BASE
#define BOARD_CMSDK_TIMER_BASE 0x40000000u
#endif

#if defined(BOARD_COST_CLOCK_SYSTICK)
typedef struct {
    volatile uint32_t ctrl;  /* bit 0: enable, bit 2: processor clock */
    volatile uint32_t reload;
    volatile uint32_t value; /* counts down, reloads from `reload` after 0 */
} systick;
#define SYSTICK ((systick*)0xE000E010u)
#define COUNTER_MASK 0x00FFFFFFu /* 24 bits: 0.5 s at 32 MHz, far more than one layer */

static void counter_start(void) {
    SYSTICK->ctrl = 0;
    SYSTICK->reload = COUNTER_MASK;
    SYSTICK->value = 0; /* any write clears it; it reloads on the first tick */
    SYSTICK->ctrl = 5;
}
static uint32_t counter_read(void) { return SYSTICK->value; }
#elif defined(BOARD_COST_CLOCK_NRF51)
#define NRF51_TIMER0(offset) (*(volatile uint32_t*)(0x40008000u + (offset)))
#define COUNTER_MASK 0xFFFFFFFFu

static void counter_start(void) {
    NRF51_TIMER0(0x504) = 0; /* MODE: timer */
    NRF51_TIMER0(0x508) = 3; /* BITMODE: 32 bits */
    NRF51_TIMER0(0x510) = 0; /* PRESCALER: 16 MHz */
    NRF51_TIMER0(0x00C) = 1; /* TASKS_CLEAR */
    NRF51_TIMER0(0x000) = 1; /* TASKS_START */
}
/* The counter is read through capture register 0; it counts up, so its complement counts down. */
static uint32_t counter_read(void) {
    NRF51_TIMER0(0x040) = 1; /* TASKS_CAPTURE[0] */
    return ~NRF51_TIMER0(0x540);
}
#else
typedef struct {
    volatile uint32_t ctrl;  /* bit 0: enable */
    volatile uint32_t value; /* counts down, reloads from `reload` after 0 */
    volatile uint32_t reload;
    volatile uint32_t intstatus;
} cmsdk_timer;
#define TIMER0 ((cmsdk_timer*)BOARD_CMSDK_TIMER_BASE)
#define COUNTER_MASK 0xFFFFFFFFu

static void counter_start(void) {
    TIMER0->ctrl = 0;
    TIMER0->reload = COUNTER_MASK;
    TIMER0->value = COUNTER_MASK;
    TIMER0->ctrl = 1;
}
static uint32_t counter_read(void) { return TIMER0->value; }
#endif

static uint32_t last_reading;
static uint64_t elapsed;

void cost_clock_start(void) {
    counter_start();
    last_reading = counter_read();
    elapsed = 0;
}

uint64_t cost_clock_ticks(void) {
    const uint32_t now = counter_read();
    elapsed += (last_reading - now) & COUNTER_MASK; /* down-counter: modular difference */
    last_reading = now;
    return elapsed;
}

uint64_t cost_clock_instructions(uint64_t ticks) {
    const uint64_t hz = BOARD_COST_CLOCK_HZ;
    return (ticks * 1000000000u + hz / 2) / hz;
}
