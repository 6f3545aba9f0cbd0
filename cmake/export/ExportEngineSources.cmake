# cmake -DMANIFEST=<build>/engine-export-manifest.cmake -DMODEL=model.fb -DGOLDEN=dir -DOUT=dir
#       -P ExportEngineSources.cmake         (the engine_source_export target runs this)
# Writes a self-contained folder: the engine's sources for the build's kernel set (src/), its
# headers with the generated schema header and the FlatBuffers headers (include/), the model
# and its golden digits as a C header (model.h, model_to_c --c), the example main.c
# (firmware_demo/c_example), the board support of the build's QEMU board copied from its one
# home (firmware_demo/board), and a Makefile with this build's compilers and flags.
include(${MANIFEST})
foreach(input MODEL GOLDEN OUT)
    if(NOT ${input})
        message(FATAL_ERROR "engine export: ${input} is not set")
    endif()
endforeach()
if(NOT EXISTS ${MODEL} OR NOT EXISTS ${GOLDEN}/expected.csv)
    message(FATAL_ERROR "engine export: needs the model (${MODEL}) and its golden files in ${GOLDEN} "
                        "(quantize CKPT MODEL --golden DIR)")
endif()

# A fresh folder each time, written beside OUT and renamed at the end, so a failed export never
# leaves a half-written folder behind.
set(stage ${OUT}.partial)
file(REMOVE_RECURSE ${stage})
set(engine_dir ${SOURCE_DIR}/engine)

foreach(source IN LISTS ENGINE_SOURCES)
    cmake_path(GET source PARENT_PATH dir)
    file(COPY ${engine_dir}/${source} DESTINATION ${stage}/${dir})
    # The private headers beside each source (decode.hpp, conv_support.hpp, ...).
    file(GLOB headers ${engine_dir}/${dir}/*.hpp)
    file(COPY ${headers} DESTINATION ${stage}/${dir})
endforeach()
file(COPY ${engine_dir}/include/tinydigit DESTINATION ${stage}/include)
file(COPY ${SCHEMA_HEADER} DESTINATION ${stage}/include/tinydigit/schema)
file(COPY ${FLATBUFFERS_DIR} DESTINATION ${stage}/include)
file(COPY ${SOURCE_DIR}/firmware_demo/c_example/main.c DESTINATION ${stage})
execute_process(COMMAND ${MODEL_TO_C} ${MODEL} ${stage}/model.h --c --golden ${GOLDEN} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "engine export: model_to_c failed (${status})")
endif()

list(TRANSFORM ENGINE_DEFINITIONS PREPEND -D)
list(JOIN ENGINE_DEFINITIONS " " ENGINE_DEFINES)
list(JOIN ENGINE_OPTIONS " " ENGINE_OPTIONS)
list(JOIN ENGINE_SOURCES " \\\n                 " ENGINE_SOURCES)
list(TRANSFORM SYSTEM_LIBS PREPEND -l)
list(JOIN SYSTEM_LIBS " " LDLIBS)
string(STRIP "${CPU_FLAGS}" CPU_FLAGS)
set(FILE_FLAGS "${ENGINE_FILE_FLAGS}")
if(BOARD)
    # The firmware_demo board files of this build's board, and only its linker script.
    set(board_dir ${SOURCE_DIR}/firmware_demo/board)
    file(GLOB board_files ${board_dir}/*.c ${board_dir}/*.h ${board_dir}/*.S ${board_dir}/mps2-sections.ld)
    file(COPY ${board_files} ${board_dir}/${BOARD}.ld DESTINATION ${stage}/board)
    file(GLOB board_sources RELATIVE ${stage} ${stage}/board/*.c ${stage}/board/*.S)
    list(JOIN board_sources " " BOARD_SOURCES)
    set(BOARD_SOURCES " ${BOARD_SOURCES}")
    set(BOARD_INCLUDE " -Iboard")
    set(BOARD_NOTE "the board support for QEMU ${BOARD} (board/; run: qemu-system-arm -M ${BOARD} -nographic -semihosting-config enable=on,target=native -kernel example.elf)")
    set(LDFLAGS "-nostartfiles -Lboard -Tboard/${BOARD}.ld -Wl,--gc-sections")
    set(EXAMPLE_DEFINES "-DBOARD=1")
    set(IMAGE example.elf)
    set(TARGET_DESCRIPTION "${BOARD}: ${C_COMPILER} ${CPU_FLAGS}")
else()
    set(BOARD_NOTE "stdio (a host program)")
    set(IMAGE example)
    string(STRIP "this host: ${C_COMPILER} ${CPU_FLAGS}" TARGET_DESCRIPTION)
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/Makefile.in ${stage}/Makefile @ONLY)

file(REMOVE_RECURSE ${OUT})
file(RENAME ${stage} ${OUT})
message(STATUS "engine export: ${OUT} (make -C ${OUT})")
