# Cortex-M4F (DSP extension, single-precision FPU): QEMU board mps2-an386.
set(TINYDIGIT_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard")
set(TINYDIGIT_QEMU_MACHINE mps2-an386)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-gcc.cmake)
