/* CMSDK APB timer 0 as a free-running down-counter at 25 MHz. The hardware counter is 32
 * bits (171 s of virtual time); reading it often enough (every layer) extends it to 64. */
#include "board.h"

typedef struct {
    volatile uint32_t ctrl;   /* bit 0: enable */
    volatile uint32_t value;  /* counts down, reloads from `reload` after 0 */
    volatile uint32_t reload;
    volatile uint32_t intstatus;
} cmsdk_timer;

#define TIMER0 ((cmsdk_timer*)0x40000000u)

static uint32_t last_reading;
static uint64_t elapsed;

void cost_clock_start(void) {
    TIMER0->ctrl = 0;
    TIMER0->reload = 0xFFFFFFFFu;
    TIMER0->value = 0xFFFFFFFFu;
    TIMER0->ctrl = 1;
    last_reading = 0xFFFFFFFFu;
    elapsed = 0;
}

uint64_t cost_clock_ticks(void) {
    const uint32_t now = TIMER0->value;
    elapsed += (uint32_t)(last_reading - now); /* down-counter: modular difference */
    last_reading = now;
    return elapsed;
}
