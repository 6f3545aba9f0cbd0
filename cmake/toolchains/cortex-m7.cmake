# Cortex-M7 (DSP extension, double-precision FPU): QEMU board mps2-an500.
set(TINYDIGIT_CPU_FLAGS "-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard")
set(TINYDIGIT_QEMU_MACHINE mps2-an500)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-gcc.cmake)
