/* Ends the emulation with an exit status. SYS_EXIT with ADP_Stopped_ApplicationExit makes
 * QEMU exit 0; SYS_EXIT_EXTENDED carries any other status through to QEMU's exit code, so a
 * test sees which check failed. */
#include "board.h"
#include "semihosting.h"

void board_exit(int status) {
    console_flush();
    if (status == 0) {
        semihosting_call(semihosting_sys_exit, (const void*)(uintptr_t)semihosting_adp_application_exit);
    } else {
        const uintptr_t block[2] = {semihosting_adp_application_exit, (uintptr_t)status};
        semihosting_call(semihosting_sys_exit_extended, block);
    }
    for (;;) {
        /* Without a debugger attached the call returns: stop here. */
        __asm__ volatile("wfi");
    }
}
