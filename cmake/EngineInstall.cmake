include_guard(GLOBAL)
# `cmake --install` for the engine: a CMake package so that firmware (or a host program) can
#   find_package(tinydigit REQUIRED)      # with CMAKE_PREFIX_PATH=<install prefix>
#   target_link_libraries(app PRIVATE tinydigit::engine)
# Installed: the static library, its headers, the model schema header and the FlatBuffers
# headers it needs (under include/tinydigit/third_party, so they never shadow a user's own),
# and lib/pkgconfig/tinydigit-engine.pc for Make and other build systems:
#   cc main.c $(pkg-config --cflags --libs tinydigit-engine)   # PKG_CONFIG_PATH=<prefix>/lib/pkgconfig
# Everything goes to the install component "dev" (the Debian package tinydigit-engine-dev).
# Include this file once the targets tinydigit_engine and tinydigit_model_schema exist.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(tinydigit_third_party_include ${CMAKE_INSTALL_INCLUDEDIR}/tinydigit/third_party)
set_target_properties(tinydigit_engine PROPERTIES EXPORT_NAME engine)
set_target_properties(tinydigit_model_schema PROPERTIES EXPORT_NAME model_schema)
target_include_directories(tinydigit_model_schema SYSTEM INTERFACE
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    $<INSTALL_INTERFACE:${tinydigit_third_party_include}>)

install(TARGETS tinydigit_engine tinydigit_model_schema EXPORT tinydigitTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/engine/include/tinydigit/engine
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tinydigit COMPONENT dev)
install(FILES ${CMAKE_BINARY_DIR}/generated/tinydigit/schema/model_generated.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tinydigit/schema COMPONENT dev)
install(DIRECTORY ${TINYDIGIT_FLATBUFFERS_INCLUDE_DIR}/flatbuffers DESTINATION ${tinydigit_third_party_include}
        COMPONENT dev)

# pkg-config: the same flags the CMake package gives (the engine's public definitions, the
# system libraries a C link lacks), relative to the .pc file so the prefix can move.
file(RELATIVE_PATH TINYDIGIT_PC_PREFIX_FROM_PCDIR /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" TINYDIGIT_PC_PREFIX_FROM_PCDIR ${TINYDIGIT_PC_PREFIX_FROM_PCDIR})
if(CMAKE_CROSSCOMPILING)
    set(TINYDIGIT_PC_TARGET "${CMAKE_SYSTEM_PROCESSOR}: ${CMAKE_C_COMPILER} ${CMAKE_C_FLAGS}")
else()
    set(TINYDIGIT_PC_TARGET "this host: ${CMAKE_SYSTEM_PROCESSOR}")
endif()
set(engine_definitions "$<TARGET_PROPERTY:tinydigit_engine,INTERFACE_COMPILE_DEFINITIONS>")
set(TINYDIGIT_PC_DEFINES "$<$<BOOL:${engine_definitions}>: -D$<JOIN:${engine_definitions}, -D>>")
list(TRANSFORM TINYDIGIT_ENGINE_SYSTEM_LIBS PREPEND " -l" OUTPUT_VARIABLE TINYDIGIT_PC_SYSTEM_LIBS)
string(JOIN "" TINYDIGIT_PC_SYSTEM_LIBS ${TINYDIGIT_PC_SYSTEM_LIBS})
configure_file(${CMAKE_CURRENT_LIST_DIR}/tinydigit-engine.pc.in ${CMAKE_BINARY_DIR}/package/tinydigit-engine.pc.in @ONLY)
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/package/tinydigit-engine.pc
     INPUT ${CMAKE_BINARY_DIR}/package/tinydigit-engine.pc.in)
install(FILES ${CMAKE_BINARY_DIR}/package/tinydigit-engine.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT dev)

set(package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/tinydigit)
install(EXPORT tinydigitTargets NAMESPACE tinydigit:: DESTINATION ${package_dir} COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/tinydigitConfig.cmake.in
    ${CMAKE_BINARY_DIR}/package/tinydigitConfig.cmake INSTALL_DESTINATION ${package_dir})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/tinydigitConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/package/tinydigitConfig.cmake
              ${CMAKE_BINARY_DIR}/package/tinydigitConfigVersion.cmake
        DESTINATION ${package_dir} COMPONENT dev)
