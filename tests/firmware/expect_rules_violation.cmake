# cmake -DNM=.. -DOBJDUMP=.. -DELF=.. -DRULES=CheckEmbeddedRules.cmake -P expect_rules_violation.cmake
# Passes only when the image check fails on ELF and names every planted violation.
execute_process(
    COMMAND ${CMAKE_COMMAND} -DNM=${NM} -DOBJDUMP=${OBJDUMP} -DELF=${ELF} -P ${RULES}
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
message("${out}${err}")
if(status EQUAL 0)
    message(FATAL_ERROR "the image check accepted an image with heap, exceptions and RTTI")
endif()
string(REGEX REPLACE "[ \n]+" " " err "${err}")  # message() wraps long lines
# malloc, operator new(unsigned), throw, the C++ personality routine, typeinfo, unwind tables.
foreach(expected malloc _Znwj __cxa_throw __gxx_personality_v0 _ZTI7Derived ".ARM.exidx")
    string(FIND "${err}" "${expected}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "the image check did not name ${expected}")
    endif()
endforeach()
