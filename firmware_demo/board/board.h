/* The board support every firmware image here uses: QEMU's MPS2/MPS3 boards.
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

/* ---- cost clock: the board's timer (cost_clock.c) ----
 * Under `qemu -icount shift=0` one guest instruction takes 1 ns of virtual time, so one
 * tick of a timer at F Hz is 1e9 / F executed instructions (40 at MPS2's 25 MHz). */
void cost_clock_start(void);
/* Ticks since cost_clock_start; 64 bits so it never wraps (the hardware counter is 24 or 32). */
uint64_t cost_clock_ticks(void);
/* Executed instructions in `ticks`, rounded to nearest. */
uint64_t cost_clock_instructions(uint64_t ticks);

/* ---- stack: painted by the reset handler ---- */
enum { board_stack_paint = 0x5AC75AC7 };
size_t board_stack_reserved(void);
/* Deepest stack use since reset, in bytes (lowest word that lost its paint). */
size_t board_stack_high_water(void);

#ifdef __cplusplus
}
#endif

#endif
