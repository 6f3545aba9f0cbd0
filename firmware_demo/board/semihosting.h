/* ARM semihosting calls (bkpt 0xAB in Thumb state). QEMU serves them when run with
 * -semihosting-config enable=on,target=native. */
#ifndef TINYDIGIT_SEMIHOSTING_H
#define TINYDIGIT_SEMIHOSTING_H

#include <stdint.h>

enum {
    semihosting_sys_write0 = 0x04,        /* print a NUL-terminated string */
    semihosting_sys_exit = 0x18,          /* r1 = reason; QEMU exits 0 only for ApplicationExit */
    semihosting_sys_exit_extended = 0x20, /* r1 -> {reason, subcode}; QEMU exits with subcode */
    semihosting_adp_application_exit = 0x20026,
};

static inline uintptr_t semihosting_call(uintptr_t operation, const void* argument) {
    register uintptr_t r0 __asm__("r0") = operation;
    register const void* r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

#endif
