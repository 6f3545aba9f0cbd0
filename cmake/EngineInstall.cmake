include_guard(GLOBAL)
# `cmake --install` for the engine: a CMake package so that firmware (or a host program) can
#   find_package(tinydigit REQUIRED)      # with CMAKE_PREFIX_PATH=<install prefix>
#   target_link_libraries(app PRIVATE tinydigit::engine)
# Installed: the static library, its headers, the model schema header and the FlatBuffers
# headers it needs (under include/tinydigit/third_party, so they never shadow a user's own).
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
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/engine/include/tinydigit/engine
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tinydigit)
install(FILES ${CMAKE_BINARY_DIR}/generated/tinydigit/schema/model_generated.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tinydigit/schema)
install(DIRECTORY ${TINYDIGIT_FLATBUFFERS_INCLUDE_DIR}/flatbuffers DESTINATION ${tinydigit_third_party_include})

set(package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/tinydigit)
install(EXPORT tinydigitTargets NAMESPACE tinydigit:: DESTINATION ${package_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/tinydigitConfig.cmake.in
    ${CMAKE_BINARY_DIR}/package/tinydigitConfig.cmake INSTALL_DESTINATION ${package_dir})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/tinydigitConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/package/tinydigitConfig.cmake
              ${CMAKE_BINARY_DIR}/package/tinydigitConfigVersion.cmake
        DESTINATION ${package_dir})
