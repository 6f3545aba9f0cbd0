# cmake -DQEMU=.. -DMACHINE=.. -DELF=.. -DTIMEOUT=.. [-DCHECK=script.cmake] -P RunFirmware.cmake
# Runs one firmware image under QEMU, prints its console, fails on a non-zero exit status
# or a timeout, then lets CHECK judge the console text (variable `firmware_output`).

execute_process(
    COMMAND ${QEMU} -M ${MACHINE} -nographic -monitor none -serial null
            -semihosting-config enable=on,target=native -icount shift=0
            -kernel ${ELF}
    TIMEOUT ${TIMEOUT}
    OUTPUT_VARIABLE stdout
    ERROR_VARIABLE firmware_output  # semihosting writes to QEMU's stderr
    RESULT_VARIABLE status)

message("${firmware_output}${stdout}")
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
