# cmake -DBUILD_DIR=.. -DWORK_DIR=.. -DTOOLCHAIN=.. -DMACHINE=.. -DQEMU=.. -DBOARD_DIR=.. -DBOARD_DEFINES=..
#       -DMODEL_TO_C=.. -DMODEL=model.fb -DGOLDEN=dir -DCONSUMER_DIR=.. -P package_consumer.cmake
# The engine as an installed CMake package: `cmake --install` this build into a fresh prefix,
# embed a model with model_to_c, configure and build an outside firmware project against the
# package with find_package(tinydigit), run the image under QEMU. Fails at the first step
# that does not work.
function(step what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "package consumer: ${what} failed (${status})\n${out}${err}")
    endif()
    message(STATUS "package consumer: ${what}: ok")
    set(step_output "${out}${err}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
step("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
file(MAKE_DIRECTORY ${WORK_DIR}/include)
step("model_to_c" ${MODEL_TO_C} ${MODEL} ${WORK_DIR}/include/model.h --golden ${GOLDEN})
step("configure the consumer" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -G Ninja
     -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN} -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
     -DBOARD_DIR=${BOARD_DIR} -DMODEL_HEADER_DIR=${WORK_DIR}/include -DQEMU_MACHINE=${MACHINE}
     -DBOARD_DEFINES=${BOARD_DEFINES})
step("build the consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
step("run it under QEMU" ${QEMU} -M ${MACHINE} -nographic -monitor none -serial null
     -semihosting-config enable=on,target=native -kernel ${WORK_DIR}/build/classify.elf)
message("${step_output}")
