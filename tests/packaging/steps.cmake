# step(<what> <command...>): runs the command; a non-zero exit stops the script, naming the step
# and showing its output. The output is left in `step_output`.
function(step what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "${what} failed (${status})\n${out}${err}")
    endif()
    message(STATUS "${what}: ok")
    set(step_output "${out}${err}" PARENT_SCOPE)
endfunction()
