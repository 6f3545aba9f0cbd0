/* The board support every firmware image here uses: QEMU's MPS2 boards (an385, an386).
 * Console over semihosting (QEMU prints it on its stderr), exit status over semihosting,
 * and a CMSDK timer as a deterministic instruction counter when QEMU runs with -icount. */
#ifndef TINYDIGIT_BOARD_H
#define TINYDIGIT_BOARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- console: buffered, flushed at every newline ---- */
void console_write(const char* text);
void console_char(char c);
void console_uint(uint64_t value);
void console_int(int64_t value);
void console_hex32(uint32_t value); /* 0x + 8 digits */
/* value / divisor with `decimals` digits after the point, rounded to nearest. */
void console_ratio(uint64_t value, uint64_t divisor, unsigned decimals);
void console_flush(void);

/* ---- exit: ends the QEMU process with this status (0 = success) ---- */
__attribute__((noreturn)) void board_exit(int status);

/* ---- cost clock: CMSDK APB timer 0 at 25 MHz ----
 * Under `qemu -icount shift=0` one guest instruction takes 1 ns of virtual time, so one
 * tick of this 25 MHz timer is exactly 40 executed instructions. */
enum { board_instructions_per_tick = 40 };
void cost_clock_start(void);
/* Ticks since cost_clock_start; 64 bits so it never wraps (the hardware counter is 32). */
uint64_t cost_clock_ticks(void);

/* ---- stack: painted by the reset handler ---- */
enum { board_stack_paint = 0x5AC75AC7 };
size_t board_stack_reserved(void);
/* Deepest stack use since reset, in bytes (lowest word that lost its paint). */
size_t board_stack_high_water(void);

#ifdef __cplusplus
}
#endif

#endif
