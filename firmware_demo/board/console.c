/* Console over semihosting SYS_WRITE0. Each call traps to QEMU, so text is gathered into a
 * line buffer and written once per line (or when the buffer fills). No printf: newlib's
 * stdio would pull in malloc, which the firmware must not contain. */
#include "board.h"
#include "semihosting.h"

static char line[160];
static size_t used;

void console_flush(void) {
    if (used == 0) return;
    line[used] = '\0';
    semihosting_call(semihosting_sys_write0, line);
    used = 0;
}

void console_char(char c) {
    line[used++] = c;
    if (c == '\n' || used == sizeof line - 1) console_flush();
}

void console_write(const char* text) {
    while (*text != '\0') console_char(*text++);
}

void console_uint(uint64_t value) {
    char digits[20];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (n > 0) console_char(digits[--n]);
}

void console_int(int64_t value) {
    if (value < 0) {
        console_char('-');
        console_uint((uint64_t)0 - (uint64_t)value);
    } else {
        console_uint((uint64_t)value);
    }
}

void console_hex32(uint32_t value) {
    static const char hex[] = "0123456789abcdef";
    console_write("0x");
    for (int shift = 28; shift >= 0; shift -= 4) console_char(hex[(value >> shift) & 0xF]);
}

void console_ratio(uint64_t value, uint64_t divisor, unsigned decimals) {
    if (divisor == 0) {
        console_write("n/a");
        return;
    }
    uint64_t scale = 1;
    for (unsigned i = 0; i < decimals; ++i) scale *= 10;
    const uint64_t scaled = (value * scale + divisor / 2) / divisor;
    console_uint(scaled / scale);
    if (decimals == 0) return;
    console_char('.');
    uint64_t fraction = scaled % scale;
    for (uint64_t digit = scale / 10; digit != 0; digit /= 10) {
        console_char((char)('0' + fraction / digit));
        fraction %= digit;
    }
}
