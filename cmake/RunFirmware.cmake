# cmake -DQEMU=.. -DMACHINE=.. -DELF=.. -DTIMEOUT=.. [-DCHECK=script.cmake] [-DSUMMARY=ON]
#       -P RunFirmware.cmake
# Runs one firmware image under QEMU and prints its console (with SUMMARY, without the
# per-image "image"/"layer" lines that passed). Fails on a non-zero exit status or a
# timeout, then lets CHECK judge the console text (variable `firmware_output`).

cmake_policy(VERSION 3.25)  # script mode: today's list semantics

execute_process(
    COMMAND ${QEMU} -M ${MACHINE} -nographic -monitor none -serial null
            -semihosting-config enable=on,target=native -icount shift=0
            -kernel ${ELF}
    TIMEOUT ${TIMEOUT}
    OUTPUT_VARIABLE stdout
    ERROR_VARIABLE firmware_output  # semihosting writes to QEMU's stderr
    RESULT_VARIABLE status)

set(shown "${firmware_output}${stdout}")
if(SUMMARY)  # drop the per-image lines that passed; keep everything else
    string(REPLACE ";" "," shown "${shown}")
    string(REPLACE "\n" ";" lines "${shown}")
    list(FILTER lines EXCLUDE REGEX "^(image|layer) .* ok$")
    list(JOIN lines "\n" shown)
endif()
message("${shown}")
get_filename_component(image ${ELF} NAME)
if(NOT status STREQUAL "0")
    if(status MATCHES "timeout")
        message(FATAL_ERROR "${image} on ${MACHINE}: no exit within ${TIMEOUT} s")
    endif()
    message(FATAL_ERROR "${image} on ${MACHINE}: exit status ${status}")
endif()
if(CHECK)
    include(${CHECK})
endif()
