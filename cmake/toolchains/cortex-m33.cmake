# Cortex-M33 (Armv8-M Mainline with the DSP extension, single-precision FPU): QEMU board
# mps2-an505.
set(TINYDIGIT_CPU_FLAGS "-mcpu=cortex-m33 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=hard")
set(TINYDIGIT_QEMU_MACHINE mps2-an505)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-gcc.cmake)
