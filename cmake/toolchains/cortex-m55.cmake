# Cortex-M55 (Armv8.1-M Mainline with Helium/MVE integer and float, DSP extension, FPU): QEMU
# board mps3-an547.
set(TINYDIGIT_CPU_FLAGS "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard")
set(TINYDIGIT_QEMU_MACHINE mps3-an547)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-gcc.cmake)
