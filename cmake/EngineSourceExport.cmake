include_guard(GLOBAL)
# engine_source_export: the engine as plain source files for IDE and Make users, for the target
# of this build (its compiler, CPU flags and kernel set: x86 AVX2/AVX-512 on the host, Arm DSP on
# cortex-m4, portable on cortex-m3), with one model and a Makefile + main.c example:
#   cmake --build --preset cortex-m4 --target engine_source_export
#       -> build/cortex-m4/engine-export/: Makefile, main.c, model.h, src/, include/, board/
# The folder needs no CMake: `make -C build/cortex-m4/engine-export` builds the example. Each
# export replaces the folder (copy it into your project rather than editing it in place).
# Another model: -DTINYDIGIT_EXPORT_MODEL=model.fb -DTINYDIGIT_EXPORT_GOLDEN=<quantize --golden DIR>.
# The file lists and flags are read from the tinydigit_engine target itself, so the export
# always matches what this build compiles; cmake/export/ExportEngineSources.cmake writes it.

set(TINYDIGIT_EXPORT_MODEL ${PROJECT_SOURCE_DIR}/models/compact/model.fb CACHE FILEPATH
    "model.fb that engine_source_export embeds (model_to_c --c)")
set(TINYDIGIT_EXPORT_GOLDEN ${PROJECT_SOURCE_DIR}/tests/golden/compact CACHE PATH
    "golden files of TINYDIGIT_EXPORT_MODEL (quantize --golden), which the example checks")
set(TINYDIGIT_EXPORT_DIR ${CMAKE_BINARY_DIR}/engine-export CACHE PATH "folder engine_source_export writes")

function(tinydigit_engine_source_export)
    if(TARGET model_to_c)
        set(model_to_c $<TARGET_FILE:model_to_c>)
        set(model_to_c_target model_to_c)
    elseif(TARGET model_to_c_host)
        set(model_to_c ${TINYDIGIT_MODEL_TO_C})
        set(model_to_c_target model_to_c_host)
    else()
        return()  # a build without model_to_c (host-fuzz) has nothing to embed the model with
    endif()
    set(engine_dir ${PROJECT_SOURCE_DIR}/engine)
    get_target_property(target_sources tinydigit_engine SOURCES)
    set(sources "")
    foreach(source IN LISTS target_sources)
        cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${engine_dir})
        cmake_path(RELATIVE_PATH source BASE_DIRECTORY ${engine_dir})
        list(APPEND sources ${source})
    endforeach()
    # Per-file options (x86 ISA flags, -Os for the run-once code on Cortex-M) as Make lines.
    set(file_flags "")
    foreach(source IN LISTS sources)
        get_source_file_property(options ${engine_dir}/${source} DIRECTORY ${engine_dir} COMPILE_OPTIONS)
        if(options)
            list(JOIN options " " options)
            string(APPEND file_flags "build/${source}.o: FILE_FLAGS := ${options}\n")
        endif()
    endforeach()
    # Options that change the code (no warnings, no stack-usage reports, no sanitizers).
    get_target_property(options tinydigit_engine COMPILE_OPTIONS)
    list(FILTER options EXCLUDE REGEX "^-W|^-fstack-usage|^-fcallgraph-info|^-fsanitize")
    set(board "")
    if(CMAKE_CROSSCOMPILING AND TINYDIGIT_QEMU_MACHINE AND EXISTS ${PROJECT_SOURCE_DIR}/firmware_demo/board/${TINYDIGIT_QEMU_MACHINE}.ld)
        set(board ${TINYDIGIT_QEMU_MACHINE})
    endif()
    set(definitions "$<TARGET_PROPERTY:tinydigit_engine,COMPILE_DEFINITIONS>")
    string(TOUPPER "${CMAKE_BUILD_TYPE}" build_type)
    set(manifest ${CMAKE_BINARY_DIR}/engine-export-manifest.cmake)
    file(GENERATE OUTPUT ${manifest} CONTENT "# Written by cmake/EngineSourceExport.cmake at generate time.
set(SOURCE_DIR [[${PROJECT_SOURCE_DIR}]])
set(ENGINE_SOURCES [[${sources}]])
set(ENGINE_FILE_FLAGS [[${file_flags}]])
set(ENGINE_OPTIONS [[${options}]])
set(ENGINE_DEFINITIONS [[${definitions}]])
set(SCHEMA_HEADER [[${CMAKE_BINARY_DIR}/generated/tinydigit/schema/model_generated.h]])
set(FLATBUFFERS_DIR [[${TINYDIGIT_FLATBUFFERS_INCLUDE_DIR}/flatbuffers]])
set(C_COMPILER [[${CMAKE_C_COMPILER}]])
set(CXX_COMPILER [[${CMAKE_CXX_COMPILER}]])
set(CPU_FLAGS [[${CMAKE_C_FLAGS}]])
set(BUILD_TYPE_FLAGS [[${CMAKE_CXX_FLAGS_${build_type}}]])
set(SYSTEM_LIBS [[${TINYDIGIT_ENGINE_SYSTEM_LIBS}]])
set(BOARD [[${board}]])
set(MODEL_TO_C [[${model_to_c}]])
")
    add_custom_target(engine_source_export
        COMMAND ${CMAKE_COMMAND} -DMANIFEST=${manifest} -DMODEL=${TINYDIGIT_EXPORT_MODEL}
                -DGOLDEN=${TINYDIGIT_EXPORT_GOLDEN} -DOUT=${TINYDIGIT_EXPORT_DIR}
                -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/export/ExportEngineSources.cmake
        DEPENDS ${model_to_c_target} tinydigit_model_schema_generate
        COMMENT "engine_source_export -> ${TINYDIGIT_EXPORT_DIR}"
        VERBATIM)
endfunction()
tinydigit_engine_source_export()
