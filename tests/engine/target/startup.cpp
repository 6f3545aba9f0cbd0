// Minimal bare-metal runtime for the engine's own target check on QEMU's MPS2 boards
// (the product firmware lives in firmware_demo/): vector table, FPU enable, .bss clear,
// semihosting output and exit, and the CMSDK timer 0 as an instruction counter under
// `-icount shift=0` (25 MHz timer = one tick per 40 executed instructions).
#include <cstdint>

extern "C" {
extern std::uint32_t __bss_start__, __bss_end__, __stack_top__;
int main();
void reset_handler();
void fault_handler();
__attribute__((section(".vectors"), used)) const void* const vector_table[16] = {
    &__stack_top__, reinterpret_cast<const void*>(reset_handler), reinterpret_cast<const void*>(fault_handler),
    reinterpret_cast<const void*>(fault_handler), reinterpret_cast<const void*>(fault_handler),
    reinterpret_cast<const void*>(fault_handler), reinterpret_cast<const void*>(fault_handler)};
}

namespace {
int semihost(int op, const void* arg) {
    register int r0 __asm__("r0") = op;
    register const void* r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}
}  // namespace

void target_print(const char* text) { semihost(0x04, text); }  // SYS_WRITE0

[[noreturn]] void target_exit(int code) {
    const std::uint32_t block[2] = {code == 0 ? 0x20026u : 0x20023u, static_cast<std::uint32_t>(code)};
    semihost(0x18, block);  // SYS_EXIT (ADP_Stopped_ApplicationExit = exit 0)
    for (;;) {
    }
}

volatile std::uint32_t* const kTimer0 = reinterpret_cast<volatile std::uint32_t*>(0x40000000);

void timer_start() {
    kTimer0[0] = 0;           // CTRL: stop
    kTimer0[2] = 0xffffffff;  // RELOAD
    kTimer0[1] = 0xffffffff;  // VALUE
    kTimer0[0] = 1;           // CTRL: enable
}
std::uint32_t timer_ticks() { return 0xffffffffu - kTimer0[1]; }

extern "C" void reset_handler() {
#if defined(__ARM_FP)
    *reinterpret_cast<volatile std::uint32_t*>(0xE000ED88) |= 0xFu << 20;  // CPACR: CP10, CP11 full access
    __asm__ volatile("dsb\n\tisb");
#endif
    for (std::uint32_t* p = &__bss_start__; p < &__bss_end__; ++p) *p = 0;
    target_exit(main());
}

extern "C" void fault_handler() {
    target_print("target: hard fault\n");
    target_exit(3);
}
