# cmake -DAWK=<awk> -DDIR=<engine binary dir> -DSCRIPT=worst_stack.awk -P PrintEngineStack.cmake
# Worst-case stack of the engine's entry points (load, which verifies, and run) from the
# .ci files GCC wrote beside the engine's objects (-fcallgraph-info=su). Kernels are called
# through a table, so an indirect call is charged the deepest kernel (name ending in _s8).
file(GLOB_RECURSE graphs ${DIR}/*.ci)
if(NOT graphs)
    message(FATAL_ERROR "engine stack: no .ci files under ${DIR} (built without -fcallgraph-info=su?)")
endif()
foreach(entry "Engine::load\\(const void\\*, std::size_t\\)" "Engine::run\\(\\)")
    execute_process(COMMAND ${AWK} -v "entry=${entry}" -v "indirect=_s8\\(" -f ${SCRIPT} ${graphs}
                    OUTPUT_VARIABLE report RESULT_VARIABLE status)
    message(STATUS "engine stack from ${entry}:\n${report}")
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "engine stack: no static bound (see above)")
    endif()
endforeach()
