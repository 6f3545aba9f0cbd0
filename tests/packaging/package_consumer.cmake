# cmake -DMODE=<install|cmake-c|pkg-config|cmake-cxx> -DBUILD_DIR=.. -DWORK_DIR=.. -DSOURCE_DIR=..
#       -DMODEL_TO_C=.. -DMODEL=model.fb -DGOLDEN=dir [-DTOOLCHAIN=.. -DC_COMPILER=.. -DCPU_FLAGS=..
#       -DQEMU=.. -DMACHINE=.. -DBOARD_DIR=.. -DGOLDEN_LIMIT=N] -P package_consumer.cmake
# The engine as an installed package, used from projects outside this tree the ways the README
# shows. Fails at the first step that does not work.
#   install     `cmake --install --component dev` this build into WORK_DIR/prefix and embed the
#               model for C (model_to_c --c --golden): the fixture the other modes use
#   cmake-c     firmware_demo/c_example, a C-only CMake project (find_package(tinydigit)): build,
#               run, every golden digit bit-exact with the host engine
#   pkg-config  the same main.c through its plain Makefile and tinydigit-engine.pc
#   cmake-cxx   tests/packaging/cxx_consumer (the README's C++ example) on a board
# With TOOLCHAIN set the projects are cross-built and run under QEMU on MACHINE.
include(${CMAKE_CURRENT_LIST_DIR}/steps.cmake)

set(prefix ${WORK_DIR}/prefix)
set(c_model_dir ${WORK_DIR}/c_model)
set(example_dir ${SOURCE_DIR}/firmware_demo/c_example)

# Runs an image on the host or under QEMU; its console text must report every digit equal.
function(run_image what image)
    if(TOOLCHAIN)
        step("${what}" ${QEMU} -M ${MACHINE} -nographic -monitor none -serial null
             -semihosting-config enable=on,target=native -kernel ${image})
    else()
        step("${what}" ${image})
    endif()
    message("${step_output}")
    set(step_output "${step_output}" PARENT_SCOPE)
endfunction()

function(expect_all_digits_equal)
    if(NOT step_output MATCHES "c example: ([0-9]+)/([0-9]+) golden digits equal" OR
       NOT CMAKE_MATCH_1 EQUAL CMAKE_MATCH_2 OR CMAKE_MATCH_2 EQUAL 0)
        message(FATAL_ERROR "package consumer: not every golden digit equals the host engine's")
    endif()
endfunction()

if(MODE STREQUAL "install")
    file(REMOVE_RECURSE ${WORK_DIR})
    step("cmake --install --component dev"
         ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component dev)
    file(MAKE_DIRECTORY ${c_model_dir})
    step("model_to_c --c" ${MODEL_TO_C} ${MODEL} ${c_model_dir}/model.h --c --golden ${GOLDEN})
elseif(MODE STREQUAL "cmake-c")
    set(board_args)
    if(TOOLCHAIN)
        set(board_args -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN} -DBOARD_DIR=${BOARD_DIR} -DQEMU_MACHINE=${MACHINE})
    endif()
    file(REMOVE_RECURSE ${WORK_DIR}/cmake-c)
    step("configure the C-only project" ${CMAKE_COMMAND} -S ${example_dir} -B ${WORK_DIR}/cmake-c -G Ninja
         -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix} -DMODEL_HEADER_DIR=${c_model_dir}
         -DGOLDEN_LIMIT=${GOLDEN_LIMIT} ${board_args})
    step("build the C-only project" ${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-c)
    file(GLOB image ${WORK_DIR}/cmake-c/c_example ${WORK_DIR}/cmake-c/c_example.elf)
    run_image("run it" ${image})
    expect_all_digits_equal()
elseif(MODE STREQUAL "pkg-config")
    find_program(MAKE_PROGRAM NAMES make gmake REQUIRED)
    set(board_args)
    if(TOOLCHAIN)
        set(board_args BOARD_DIR=${BOARD_DIR} QEMU_MACHINE=${MACHINE})
    endif()
    set(image ${WORK_DIR}/pkg-config/c_example)
    file(REMOVE_RECURSE ${WORK_DIR}/pkg-config)
    file(MAKE_DIRECTORY ${WORK_DIR}/pkg-config)
    step("make with pkg-config" ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${prefix}/lib/pkgconfig
         ${MAKE_PROGRAM} -C ${example_dir} --no-print-directory OUT=${image} CC=${C_COMPILER}
         "CPU_FLAGS=${CPU_FLAGS}" MODEL_HEADER_DIR=${c_model_dir} GOLDEN_LIMIT=${GOLDEN_LIMIT} ${board_args})
    run_image("run it" ${image})
    expect_all_digits_equal()
elseif(MODE STREQUAL "cmake-cxx")
    file(REMOVE_RECURSE ${WORK_DIR}/cmake-cxx)
    file(MAKE_DIRECTORY ${WORK_DIR}/cmake-cxx/include)
    step("model_to_c" ${MODEL_TO_C} ${MODEL} ${WORK_DIR}/cmake-cxx/include/model.h --golden ${GOLDEN})
    step("configure the C++ project" ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/cxx_consumer
         -B ${WORK_DIR}/cmake-cxx/build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN}
         -DCMAKE_PREFIX_PATH=${prefix} -DBOARD_DIR=${BOARD_DIR} -DMODEL_HEADER_DIR=${WORK_DIR}/cmake-cxx/include
         -DQEMU_MACHINE=${MACHINE})
    step("build the C++ project" ${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-cxx/build)
    run_image("run it under QEMU" ${WORK_DIR}/cmake-cxx/build/classify.elf)
else()
    message(FATAL_ERROR "package consumer: MODE must be install, cmake-c, pkg-config or cmake-cxx")
endif()
