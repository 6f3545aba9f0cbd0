/* Stack high-water mark: the reset handler painted [__stack_limit, reset SP) with
 * board_stack_paint; the lowest word that no longer holds it bounds the deepest use. */
#include "board.h"

extern uint32_t __stack_limit[];
extern uint32_t __stack_top[];

size_t board_stack_reserved(void) {
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)__stack_limit);
}

size_t board_stack_high_water(void) {
    const uint32_t* word = __stack_limit;
    while (word < __stack_top && *word == board_stack_paint) ++word;
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)word);
}
