# cmake -DQEMU=.. -DMACHINE=.. -DELF=.. -DTIMEOUT=.. [-DCHECK=script.cmake] [-DSUMMARY=ON]
#       [-DEXPECT_STATUS=n] -P RunFirmware.cmake
# Runs one firmware image under QEMU and prints its console (with SUMMARY, without the
# per-image "image"/"layer" lines that passed). Fails on a timeout or an exit status other
# than EXPECT_STATUS (default 0), then lets CHECK judge the console text (`firmware_output`).

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
if(NOT DEFINED EXPECT_STATUS)
    set(EXPECT_STATUS 0)
endif()
if(status MATCHES "timeout")
    message(FATAL_ERROR "${image} on ${MACHINE}: no exit within ${TIMEOUT} s")
elseif(NOT status STREQUAL EXPECT_STATUS)
    message(FATAL_ERROR "${image} on ${MACHINE}: exit status ${status}, expected ${EXPECT_STATUS}")
endif()
if(CHECK)
    include(${CHECK})
endif()
