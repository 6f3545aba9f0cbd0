include_guard(GLOBAL)
# Debian packages of the host build (`cpack -G DEB` in build/host-release):
#   tinydigit-tools        train, quantize, inspect, evaluate, predict, model_to_c in /usr/bin
#   tinydigit-engine-dev   the engine's static library, headers, CMake package and pkg-config file
# Dependencies come from dpkg-shlibdeps (libdnnl2, libpng16-16, libssl3, ...) where it exists.
# The tools read MNIST from TINYDIGIT_DATA_DIR (their built-in default is this build's data folder).
include(GNUInstallDirs)

install(TARGETS train quantize inspect evaluate predict model_to_c
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)

set(CPACK_PACKAGE_NAME tinydigit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "tinydigit developers")
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL tools dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME tinydigit-tools)
set(CPACK_DEBIAN_TOOLS_DESCRIPTION "Train a MNIST CNN with oneDNN, quantize it to an int8 model, inspect,
evaluate and run it, embed it in firmware (train, quantize, inspect, evaluate, predict, model_to_c).")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME tinydigit-engine-dev)
set(CPACK_DEBIAN_DEV_DESCRIPTION "The allocation-free int8 engine of tinydigit for this host: static
library, C and C++ headers, CMake package (find_package(tinydigit)) and pkg-config file (tinydigit-engine).")
find_program(TINYDIGIT_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(TINYDIGIT_DPKG_SHLIBDEPS)
    set(CPACK_DEBIAN_TOOLS_PACKAGE_SHLIBDEPS ON)
else()
    # What the tools link directly on Debian 12 (ldd), when dpkg-shlibdeps cannot say.
    set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS "libc6, libstdc++6, libgcc-s1, libgomp1, libdnnl2, libpng16-16, libssl3")
endif()
include(CPack)
