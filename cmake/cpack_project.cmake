# Read by cpack (CPACK_PROJECT_CONFIG_FILE) when it makes the .deb: the
# package's version is the built binary's, from git describe when it was
# built (cmake/version.cmake wrote it); cmake/deb_version.cmake says how it
# maps, cmake/deb_files.cmake checks the packaged binary says so.
include(${CPACK_RELGATE_SOURCE_DIR}/cmake/deb_version.cmake)
file(STRINGS ${CPACK_RELGATE_VERSION_FILE} line REGEX "k_version = \"")
string(REGEX REPLACE ".*k_version = \"([^\"]*)\".*" "\\1" describe "${line}")
relgate_deb_version(version "${describe}" "${CPACK_RELGATE_FALLBACK}")
set(CPACK_PACKAGE_VERSION "${version}")
set(CPACK_DEBIAN_PACKAGE_VERSION "${version}")
