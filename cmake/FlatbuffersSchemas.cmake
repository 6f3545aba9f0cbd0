# flatc generates C++ from schema/*.fbs at build time; nothing generated is committed.
# The host flatc runs for cross builds too. For cross builds only the FlatBuffers headers
# are made visible (a copy in the build tree), never the rest of the host's /usr/include.

find_program(FLATC flatc REQUIRED NO_CMAKE_FIND_ROOT_PATH)
find_path(FLATBUFFERS_HOST_INCLUDE_DIR flatbuffers/flatbuffers.h PATHS /usr/include /usr/local/include
          REQUIRED NO_CMAKE_FIND_ROOT_PATH)

set(TINYDIGIT_FLATBUFFERS_INCLUDE_DIR ${CMAKE_BINARY_DIR}/third_party/include)
file(COPY ${FLATBUFFERS_HOST_INCLUDE_DIR}/flatbuffers DESTINATION ${TINYDIGIT_FLATBUFFERS_INCLUDE_DIR})

# tinydigit_flatbuffers(<target> <schema.fbs>...) makes an INTERFACE target whose include
# directory holds <name>_generated.h for every schema.
function(tinydigit_flatbuffers target)
    set(out_dir ${CMAKE_BINARY_DIR}/generated/tinydigit/schema)
    set(headers)
    foreach(schema IN LISTS ARGN)
        get_filename_component(name ${schema} NAME_WE)
        get_filename_component(abs ${schema} ABSOLUTE)
        set(header ${out_dir}/${name}_generated.h)
        add_custom_command(
            OUTPUT ${header}
            COMMAND ${FLATC} --cpp --scoped-enums -o ${out_dir} ${abs}
            DEPENDS ${abs}
            COMMENT "flatc ${name}.fbs"
            VERBATIM)
        list(APPEND headers ${header})
    endforeach()
    add_custom_target(${target}_generate DEPENDS ${headers})
    add_library(${target} INTERFACE)
    add_dependencies(${target} ${target}_generate)
    target_include_directories(${target} SYSTEM INTERFACE
        $<BUILD_INTERFACE:${CMAKE_BINARY_DIR}/generated>
        $<BUILD_INTERFACE:${TINYDIGIT_FLATBUFFERS_INCLUDE_DIR}>)
endfunction()

# tinydigit_flatbuffers_object_api(<target> <schema.fbs> <out_dir>) generates the schema with
# FlatBuffers' object API (mutable C++ objects, for building models in code) under
# <out_dir>/tinydigit/schema, for tests and fuzz seed makers only: the engine reads the flat
# form. Users put <out_dir> BEFORE the schema target's include directory to see this header.
function(tinydigit_flatbuffers_object_api target schema out_dir)
    get_filename_component(name ${schema} NAME_WE)
    get_filename_component(abs ${schema} ABSOLUTE)
    set(header ${out_dir}/tinydigit/schema/${name}_generated.h)
    add_custom_command(
        OUTPUT ${header}
        COMMAND ${FLATC} --cpp --scoped-enums --gen-object-api -o ${out_dir}/tinydigit/schema ${abs}
        DEPENDS ${abs}
        COMMENT "flatc ${name}.fbs (object API, ${target})"
        VERBATIM)
    add_custom_target(${target} DEPENDS ${header})
endfunction()
