include_guard(GLOBAL)
# Bare-metal firmware images for the Cortex-M boards QEMU emulates (cross presets only).
#
# tinydigit_firmware(<target> SOURCES <files...> [LIBS <targets...>])
#   builds <target>.elf against the board support (startup, vector table, console, cost
#   clock) and the linker script of ${TINYDIGIT_QEMU_MACHINE}. After linking it proves the
#   embedded rules on the image (no heap, exceptions, unwinder or RTTI; the build fails
#   otherwise) and prints the flash and RAM footprint.

set(TINYDIGIT_BOARD_DIR ${PROJECT_SOURCE_DIR}/firmware_demo/board CACHE INTERNAL "")
find_program(TINYDIGIT_NM arm-none-eabi-nm REQUIRED)
find_program(TINYDIGIT_OBJDUMP arm-none-eabi-objdump REQUIRED)
find_program(TINYDIGIT_SIZE arm-none-eabi-size REQUIRED)
find_program(FLATC flatc REQUIRED NO_CMAKE_FIND_ROOT_PATH)  # tinydigit_model_misfit reads plans

# What the board support needs to know of each board besides its linker script
# (<board>.ld): the timer that serves as the cost clock (board/cost_clock.c), from QEMU 7.2's
# machine models (hw/arm/mps2.c, mps2-tz.c, armsse.c).
if(TINYDIGIT_QEMU_MACHINE MATCHES "^mps2-an(385|386|500)$")
    set(board_defines BOARD_CMSDK_TIMER_BASE=0x40000000u BOARD_COST_CLOCK_HZ=25000000u)
elseif(TINYDIGIT_QEMU_MACHINE STREQUAL "mps2-an505")  # SSE-200 timer 0, at the 20 MHz MAINCLK
    set(board_defines BOARD_CMSDK_TIMER_BASE=0x40000000u BOARD_COST_CLOCK_HZ=20000000u)
elseif(TINYDIGIT_QEMU_MACHINE STREQUAL "mps3-an547")  # SSE-300 has no CMSDK timer: SysTick at 32 MHz
    set(board_defines BOARD_COST_CLOCK_SYSTICK BOARD_COST_CLOCK_HZ=32000000u)
elseif(TINYDIGIT_QEMU_MACHINE STREQUAL "microbit")  # nRF51 TIMER0 at 16 MHz
    set(board_defines BOARD_COST_CLOCK_NRF51 BOARD_COST_CLOCK_HZ=16000000u)
    # Small enough that a model may not fit: firmware_demo/ skips those (microbit.ld: 256 KiB
    # flash, 16 KiB RAM of which 2 KiB are the stack reservation).
    set(TINYDIGIT_BOARD_FLASH_BYTES 262144 CACHE INTERNAL "")
    set(TINYDIGIT_BOARD_RAM_FOR_ARENA 14336 CACHE INTERNAL "")
elseif(TINYDIGIT_QEMU_MACHINE)
    message(FATAL_ERROR "board '${TINYDIGIT_QEMU_MACHINE}': no cost clock known (cmake/Firmware.cmake)")
endif()
set(TINYDIGIT_BOARD_DEFINES ${board_defines} CACHE INTERNAL "compile definitions of the board support")

# tinydigit_model_misfit(<out> <model.fb>)
#   on a board with little memory (TINYDIGIT_BOARD_FLASH_BYTES above), sets <out> to why the
#   model does not fit: its file exceeds the flash, or its arena (the plan, read with flatc)
#   the RAM beside the stack; empty when it fits. Firmware with that model is skipped with
#   this reason instead of failing to link.
function(tinydigit_model_misfit out model)
    set(reason "")
    if(DEFINED TINYDIGIT_BOARD_FLASH_BYTES)
        file(SIZE ${model} model_bytes)
        if(model_bytes GREATER TINYDIGIT_BOARD_FLASH_BYTES)
            set(reason "the model (${model_bytes} bytes) exceeds the ${TINYDIGIT_BOARD_FLASH_BYTES}-byte flash")
        else()
            execute_process(COMMAND ${FLATC} --json --raw-binary --strict-json -o ${CMAKE_BINARY_DIR}/model_json
                                    ${PROJECT_SOURCE_DIR}/schema/model.fbs -- ${model}
                            RESULT_VARIABLE status)
            if(NOT status EQUAL 0)
                message(FATAL_ERROR "flatc could not read ${model}")
            endif()
            get_filename_component(stem ${model} NAME_WE)
            file(READ ${CMAKE_BINARY_DIR}/model_json/${stem}.json json)
            string(JSON arena_bytes GET "${json}" plan arena_bytes)
            if(arena_bytes GREATER TINYDIGIT_BOARD_RAM_FOR_ARENA)
                set(reason "its arena (${arena_bytes} bytes) exceeds the ${TINYDIGIT_BOARD_RAM_FOR_ARENA} bytes of RAM beside the stack")
            endif()
        endif()
    endif()
    set(${out} "${reason}" PARENT_SCOPE)
endfunction()

function(tinydigit_firmware target)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
    set(linker_script ${TINYDIGIT_BOARD_DIR}/${TINYDIGIT_QEMU_MACHINE}.ld)
    if(NOT EXISTS ${linker_script})
        message(FATAL_ERROR "no linker script for board '${TINYDIGIT_QEMU_MACHINE}' (${linker_script})")
    endif()
    add_executable(${target} ${ARG_SOURCES})
    set_target_properties(${target} PROPERTIES SUFFIX .elf LINK_DEPENDS
        "${linker_script};${TINYDIGIT_BOARD_DIR}/mps2-sections.ld")
    target_link_libraries(${target} PRIVATE tinydigit_board ${ARG_LIBS})
    target_link_options(${target} PRIVATE
        -nostartfiles
        -L${TINYDIGIT_BOARD_DIR} -T${linker_script}
        -Wl,-Map=$<TARGET_FILE:${target}>.map)
    tinydigit_warnings(${target})
    add_custom_command(TARGET ${target} POST_BUILD
        COMMAND ${CMAKE_COMMAND} -DNM=${TINYDIGIT_NM} -DOBJDUMP=${TINYDIGIT_OBJDUMP}
                -DELF=$<TARGET_FILE:${target}> -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/CheckEmbeddedRules.cmake
        COMMAND ${CMAKE_COMMAND} -DSIZE=${TINYDIGIT_SIZE} -DELF=$<TARGET_FILE:${target}>
                -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/PrintFirmwareSize.cmake
        VERBATIM)
endfunction()
