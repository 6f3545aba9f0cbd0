/* Reset handler for every board here (MPS2, MPS3, micro:bit). Written in assembly so that
 * nothing runs before the FPU is enabled: with -mfloat-abi=hard the compiler may use FP
 * registers in any C function, and on the M4 that faults until CP10/CP11 are granted in
 * CPACR (on the M55 the same bits enable Helium). */
    .syntax unified
    .thumb

    .section .text.Reset_Handler, "ax", %progbits
    .global Reset_Handler
    .type Reset_Handler, %function
    .thumb_func
Reset_Handler:
#if defined(__ARM_FP)
    ldr r0, =0xE000ED88          /* CPACR: full access to CP10 and CP11 */
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb
#endif
    /* .data: initial values live in CODE, copy them to DATA. The loops use only Armv6-M
     * instructions so that one reset handler serves every Cortex-M, the M0 included. */
    ldr r0, =__data_load
    ldr r1, =__data_start
    ldr r2, =__data_end
1:  cmp r1, r2
    bhs 2f
    ldr r3, [r0]
    str r3, [r1]
    adds r0, r0, #4
    adds r1, r1, #4
    b 1b

    /* .bss: zero. */
2:  ldr r1, =__bss_start
    ldr r2, =__bss_end
    movs r3, #0
3:  cmp r1, r2
    bhs 4f
    str r3, [r1]
    adds r1, r1, #4
    b 3b

    /* Paint the stack below the reset SP so the firmware can measure its high-water mark. */
4:  ldr r1, =__stack_limit
    mov r2, sp
    ldr r3, =0x5AC75AC7          /* board_stack_paint in board.h */
5:  cmp r1, r2
    bhs 6f
    str r3, [r1]
    adds r1, r1, #4
    b 5b

6:
    /* No static constructors to run: the linker script asserts .init_array is empty. */
    bl main
    bl board_exit                /* main's return value is the exit status */
7:  b 7b
    .size Reset_Handler, . - Reset_Handler
    .pool
