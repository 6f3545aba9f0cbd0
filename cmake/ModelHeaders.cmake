include_guard(GLOBAL)
# Model headers for firmware, generated at build time (cross presets).
#
# tools/model_to_c is a host program; a cross build cannot build it with its own compiler,
# so it is built for the host as an external project inside the cross build tree. Then
#
# tinydigit_model_header(<target> MODEL <model.fb> GOLDEN <dir> NAME <name>)
#   makes an INTERFACE library whose include directory holds "embedded_model.h": the model
#   as an alignas(16) constant array with its arena size, and the golden digits of <dir>
#   (quantize --golden; tests/golden/<arch>/ for the committed models) with their expected
#   logit checksums, namespace `embedded`. Regenerated when the model or golden files change.

include(ExternalProject)

# The cross presets share one host build (TINYDIGIT_HOST_TOOLS_DIR=build/host-tools), so a run
# of every preset compiles model_to_c once; ninja keeps it up to date for each. Two presets
# that share it must not build at the same time (scripts/test.sh runs them one after another).
set(TINYDIGIT_HOST_TOOLS_DIR ${CMAKE_BINARY_DIR}/host CACHE PATH "where the host build of model_to_c lives")
set(TINYDIGIT_MODEL_TO_C_DIR ${TINYDIGIT_HOST_TOOLS_DIR}/model_to_c CACHE INTERNAL "")
set(TINYDIGIT_MODEL_TO_C ${TINYDIGIT_MODEL_TO_C_DIR}/bin/model_to_c CACHE INTERNAL "")
ExternalProject_Add(model_to_c_host
    SOURCE_DIR ${PROJECT_SOURCE_DIR}/tools/model_to_c
    BINARY_DIR ${TINYDIGIT_MODEL_TO_C_DIR}
    # The host's default compiler, never the cross toolchain of the enclosing build.
    CMAKE_ARGS -DCMAKE_BUILD_TYPE=Release
    BUILD_ALWAYS ON  # ninja decides quickly that nothing changed
    INSTALL_COMMAND ""
    BUILD_BYPRODUCTS ${TINYDIGIT_MODEL_TO_C}
    USES_TERMINAL_BUILD OFF)

function(tinydigit_model_header target)
    cmake_parse_arguments(ARG "" "MODEL;GOLDEN;NAME" "" ${ARGN})
    set(out_dir ${CMAKE_BINARY_DIR}/generated/firmware/${ARG_NAME})
    set(header ${out_dir}/embedded_model.h)
    file(GLOB golden_files ${ARG_GOLDEN}/*)
    add_custom_command(
        OUTPUT ${header}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
        COMMAND ${TINYDIGIT_MODEL_TO_C} ${ARG_MODEL} ${header} --namespace embedded --golden ${ARG_GOLDEN}
        DEPENDS ${ARG_MODEL} ${golden_files} model_to_c_host ${TINYDIGIT_MODEL_TO_C}
        COMMENT "model_to_c ${ARG_NAME}: ${ARG_MODEL} + ${ARG_GOLDEN} -> embedded_model.h"
        VERBATIM)
    add_custom_target(${target}_generate DEPENDS ${header})
    add_library(${target} INTERFACE)
    add_dependencies(${target} ${target}_generate)
    target_include_directories(${target} INTERFACE ${out_dir})
endfunction()
