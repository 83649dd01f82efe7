# Read by cpack (CPACK_PROJECT_CONFIG_FILE) when it makes the .deb: the
# package's version from git describe, as the binary's (cmake/version.cmake,
# run again by cpack's build before it packages); cmake/deb_version.cmake
# says how it maps, cmake/deb_files.cmake checks the packaged binary says so.
include(${CPACK_RELGATE_SOURCE_DIR}/cmake/deb_version.cmake)
execute_process(COMMAND git describe --tags --always --dirty
  WORKING_DIRECTORY ${CPACK_RELGATE_SOURCE_DIR}
  OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
relgate_deb_version(version "${describe}" "${CPACK_RELGATE_FALLBACK}")
set(CPACK_PACKAGE_VERSION "${version}")
set(CPACK_DEBIAN_PACKAGE_VERSION "${version}")
