/* Vector table: initial stack pointer, reset and the system exceptions. The firmware uses no
 * interrupts; any fault reports itself on the console and ends QEMU with a distinct status. */
#include "board.h"

extern uint32_t __stack_top[];
void Reset_Handler(void);

enum { fault_exit_status = 90 }; /* 90 + exception number - 2 */

static void report_fault(const char* name, int number) {
    console_flush();
    console_write("fault: ");
    console_write(name);
    console_write("\n");
    board_exit(fault_exit_status + number - 2);
}

static void nmi_handler(void) { report_fault("NMI", 2); }
static void hard_fault_handler(void) { report_fault("HardFault", 3); }
static void mem_manage_handler(void) { report_fault("MemManage", 4); }
static void bus_fault_handler(void) { report_fault("BusFault", 5); }
static void usage_fault_handler(void) { report_fault("UsageFault", 6); }
static void unexpected_handler(void) { report_fault("unexpected exception", 15); }

typedef void (*handler)(void);

struct vector_table {
    uint32_t* initial_sp;
    handler entries[15];
};

__attribute__((section(".vectors"), used)) static const struct vector_table vectors = {
    __stack_top,
    {
        Reset_Handler,
        nmi_handler,
        hard_fault_handler,
        mem_manage_handler,
        bus_fault_handler,
        usage_fault_handler,
        0, 0, 0, 0,         /* reserved */
        unexpected_handler, /* SVCall */
        unexpected_handler, /* DebugMonitor */
        0,                  /* reserved */
        unexpected_handler, /* PendSV */
        unexpected_handler, /* SysTick */
    },
};
