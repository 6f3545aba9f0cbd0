# cmake -DMANIFEST=<build>/engine-export-manifest.cmake -DEXPORT_SCRIPT=.. -DMODEL=.. -DGOLDEN=..
#       -DWORK_DIR=.. [-DQEMU=.. -DMACHINE=..] -P source_export.cmake
# The source export end to end: write the folder (what the engine_source_export target runs),
# build it with its own Makefile and nothing else (no CMake), run the example on the host or
# under QEMU, and require every golden digit bit-exact with the host engine.
include(${CMAKE_CURRENT_LIST_DIR}/steps.cmake)
include(${MANIFEST})  # the compilers, for ccache

set(out ${WORK_DIR}/engine-export)
step("export the engine sources" ${CMAKE_COMMAND} -DMANIFEST=${MANIFEST} -DMODEL=${MODEL} -DGOLDEN=${GOLDEN}
     -DOUT=${out} -P ${EXPORT_SCRIPT})
find_program(MAKE_PROGRAM NAMES make gmake REQUIRED)
find_program(CCACHE ccache)
set(compilers)
if(CCACHE)  # the same folder is exported on every run; ccache makes the rebuild cheap
    set(compilers "CC=${CCACHE} ${C_COMPILER}" "CXX=${CCACHE} ${CXX_COMPILER}")
endif()
cmake_host_system_information(RESULT jobs QUERY NUMBER_OF_LOGICAL_CORES)
step("make (the exported Makefile alone)" ${MAKE_PROGRAM} -C ${out} -j${jobs} --no-print-directory ${compilers})
if(QEMU)
    step("run example.elf under QEMU" ${QEMU} -M ${MACHINE} -nographic -monitor none -serial null
         -semihosting-config enable=on,target=native -kernel ${out}/example.elf)
else()
    step("run the example" ${out}/example)
endif()
message("${step_output}")
if(NOT step_output MATCHES "c example: ([0-9]+)/([0-9]+) golden digits equal" OR
   NOT CMAKE_MATCH_1 EQUAL CMAKE_MATCH_2 OR CMAKE_MATCH_2 EQUAL 0)
    message(FATAL_ERROR "source export: not every golden digit equals the host engine's")
endif()
