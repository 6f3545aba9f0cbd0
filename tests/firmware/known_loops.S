/* Loops whose executed instruction count is known exactly, to validate that the CMSDK timer
 * under `qemu -icount shift=0` counts instructions (one tick per 40). */
    .syntax unified
    .thumb

/* void loop_2(uint32_t n): 2 instructions per iteration, n >= 1. */
    .section .text.loop_2, "ax", %progbits
    .global loop_2
    .type loop_2, %function
    .thumb_func
loop_2:
1:  subs r0, r0, #1
    bne 1b
    bx lr
    .size loop_2, . - loop_2

/* void loop_5(uint32_t n): 5 instructions per iteration, n >= 1. */
    .section .text.loop_5, "ax", %progbits
    .global loop_5
    .type loop_5, %function
    .thumb_func
loop_5:
1:  adds r1, r1, #1
    eors r2, r2, r1
    adds r3, r3, r2
    subs r0, r0, #1
    bne 1b
    bx lr
    .size loop_5, . - loop_5
