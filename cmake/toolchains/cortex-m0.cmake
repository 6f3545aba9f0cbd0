# Cortex-M0 (Armv6-M: no DSP extension, no FPU, no hardware divide): QEMU board microbit
# (nRF51822, 256 KiB flash, 16 KiB RAM).
set(TINYDIGIT_CPU_FLAGS "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft")
set(TINYDIGIT_QEMU_MACHINE microbit)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-gcc.cmake)
