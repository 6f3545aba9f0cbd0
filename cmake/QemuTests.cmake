include_guard(GLOBAL)
# Target tests: a firmware image run under qemu-system-arm as a CTest test.
#
# tinydigit_add_qemu_test(NAME <test> TARGET <firmware target>
#                         [TIMEOUT <seconds>] [CHECK <script.cmake>] [DEFINES <VAR=value>...])
#   runs the image on ${TINYDIGIT_QEMU_MACHINE} with -nographic, semihosting (the console,
#   the exit status) and -icount shift=0 (1 instruction = 1 ns, so the firmware's cost
#   figures are deterministic). The test fails on a non-zero exit, a timeout, or when the
#   optional CHECK script (run with the console text in `firmware_output` and DEFINES set)
#   rejects the output.

find_program(TINYDIGIT_QEMU qemu-system-arm REQUIRED NO_CMAKE_FIND_ROOT_PATH)

function(tinydigit_add_qemu_test)
    cmake_parse_arguments(ARG "" "NAME;TARGET;TIMEOUT;CHECK" "DEFINES" ${ARGN})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 60)
    endif()
    set(defines)
    foreach(define IN LISTS ARG_DEFINES)
        list(APPEND defines "-D${define}")
    endforeach()
    add_test(NAME ${ARG_NAME}
             COMMAND ${CMAKE_COMMAND}
                     -DQEMU=${TINYDIGIT_QEMU} -DMACHINE=${TINYDIGIT_QEMU_MACHINE}
                     -DELF=$<TARGET_FILE:${ARG_TARGET}> -DTIMEOUT=${ARG_TIMEOUT}
                     -DCHECK=${ARG_CHECK} ${defines}
                     -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/RunFirmware.cmake)
    # CTest's own limit sits above the runner's so the runner reports the timeout itself.
    math(EXPR ctest_timeout "${ARG_TIMEOUT} + 30")
    set_tests_properties(${ARG_NAME} PROPERTIES TIMEOUT ${ctest_timeout} LABELS qemu)
endfunction()
