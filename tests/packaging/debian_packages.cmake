# cmake -DCPACK=<cpack> -DCPACK_CONFIG=<build>/CPackConfig.cmake -DWORK_DIR=.. -DSOURCE_DIR=.. -DARCH=compact
#       -DDATA_DIR=<MNIST folder> -P debian_packages.cmake
# The Debian packages as a user gets them: `cpack -G DEB`, the declared dependencies, then the
# packages unpacked into a scratch root (dpkg -x) and the tools run from there on the committed
# checkpoint and model; the engine-dev package's pkg-config file builds the C example.
include(${CMAKE_CURRENT_LIST_DIR}/steps.cmake)

file(REMOVE_RECURSE ${WORK_DIR})
step("cpack -G DEB" ${CPACK} -G DEB --config ${CPACK_CONFIG} -B ${WORK_DIR}/packages)
set(root ${WORK_DIR}/root)
foreach(package tinydigit-tools tinydigit-engine-dev)
    file(GLOB deb ${WORK_DIR}/packages/${package}_*.deb)
    if(NOT deb)
        message(FATAL_ERROR "cpack wrote no ${package} package")
    endif()
    step("dpkg -x ${package}" dpkg-deb -x ${deb} ${root})
    step("read ${package}'s control fields" dpkg-deb -f ${deb} Depends)
    set(depends_${package} "${step_output}")
endforeach()
# The tools' direct shared libraries must be declared (oneDNN, libpng, OpenSSL's libcrypto).
foreach(dependency libdnnl2 libpng16-16 libssl3 libstdc\\+\\+6)
    if(NOT depends_tinydigit-tools MATCHES "(^|, )${dependency}( |,|$)")
        message(FATAL_ERROR "tinydigit-tools does not depend on ${dependency}: ${depends_tinydigit-tools}")
    endif()
endforeach()

set(bin ${root}/usr/bin)
set(golden ${SOURCE_DIR}/tests/golden/${ARCH})
# quantize from the package: the committed checkpoint with a small calibration set (fast).
step("installed quantize" ${CMAKE_COMMAND} -E env TINYDIGIT_DATA_DIR=${DATA_DIR}
     ${bin}/quantize ${SOURCE_DIR}/models/${ARCH}/best.ckpt ${WORK_DIR}/model.fb --calibration-count 100)
# evaluate from the package: that model classifies the golden digits (all 100 are right with the
# committed model; 95 leaves room for the smaller calibration set, not for a broken tool) ...
step("installed evaluate" ${bin}/evaluate ${WORK_DIR}/model.fb --data ${golden}/golden-images-idx3-ubyte
     --labels ${golden}/golden-labels-idx1-ubyte --json)
if(NOT step_output MATCHES "\"count\":100,\"accuracy\":([0-9.]+)" OR CMAKE_MATCH_1 LESS 0.95)
    message(FATAL_ERROR "installed quantize + evaluate: accuracy on the 100 golden digits is not >= 0.95\n${step_output}")
endif()
message(STATUS "golden digits with the model quantized by the installed tool: accuracy ${CMAKE_MATCH_1}")
# ... and gives the committed model's golden logits exactly (label,predicted,l0..l9 per image).
step("installed evaluate --logits" ${bin}/evaluate ${SOURCE_DIR}/models/${ARCH}/model.fb
     --data ${golden}/golden-images-idx3-ubyte --labels ${golden}/golden-labels-idx1-ubyte
     --logits ${WORK_DIR}/logits.csv)
file(STRINGS ${WORK_DIR}/logits.csv logits REGEX "^[0-9]")
file(STRINGS ${golden}/expected.csv expected REGEX "^[0-9]")
list(TRANSFORM expected REPLACE "^[0-9]+,([0-9]+,[0-9]+),0x[0-9a-f]+,(.*)$" "\\1,\\2")
list(LENGTH expected count)
if(count EQUAL 0 OR NOT logits STREQUAL expected)
    message(FATAL_ERROR "installed evaluate: the logits of models/${ARCH}/model.fb differ from ${golden}/expected.csv")
endif()

# The engine-dev package: its pkg-config file (relative to itself) builds and runs the C example.
file(MAKE_DIRECTORY ${WORK_DIR}/c_model)
step("installed model_to_c --c" ${bin}/model_to_c ${SOURCE_DIR}/models/${ARCH}/model.fb ${WORK_DIR}/c_model/model.h
     --c --golden ${golden})
file(GLOB_RECURSE pc_file ${root}/*/tinydigit-engine.pc)
cmake_path(GET pc_file PARENT_PATH pc_dir)
find_program(MAKE_PROGRAM NAMES make gmake REQUIRED)
step("make the C example with the package's pkg-config file" ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_dir}
     ${MAKE_PROGRAM} -C ${SOURCE_DIR}/firmware_demo/c_example --no-print-directory OUT=${WORK_DIR}/c_example
     MODEL_HEADER_DIR=${WORK_DIR}/c_model)
step("run it" ${WORK_DIR}/c_example)
message("${step_output}")
