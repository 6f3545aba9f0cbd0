/* A crash must not look like a hang or a pass: executing an undefined instruction escalates
 * to HardFault, whose handler names it on the console and exits with status 91. */
#include "board.h"

int main(void) {
    console_write("about to execute an undefined instruction\n");
    __asm__ volatile("udf #0");
    console_write("still running after udf\n");
    return 0;
}
