# Cortex-M3 (no DSP extension, no FPU): QEMU board mps2-an385.
set(TINYDIGIT_CPU_FLAGS "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft")
set(TINYDIGIT_QEMU_MACHINE mps2-an385)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-gcc.cmake)
