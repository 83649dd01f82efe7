# Run by cpack (CPACK_PRE_BUILD_SCRIPTS) in the staged package: the files
# only a .deb has. Debian's changelog of a native package,
# /usr/share/doc/relgate/changelog.gz, with the package's version (the
# changes themselves are in CHANGELOG.md beside it); lintian's overrides of
# a static build (doc/lintian-overrides says why).
set(doc ${CPACK_TEMPORARY_DIRECTORY}/usr/share/doc/relgate)
if(NOT IS_DIRECTORY ${doc})
  message(FATAL_ERROR "deb_changelog.cmake: no ${doc} in the staged package")
endif()
# The package's version is the packaged binary's.
execute_process(COMMAND ${CPACK_TEMPORARY_DIRECTORY}/usr/bin/relgate --version
  OUTPUT_VARIABLE binary_version OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX MATCH "^relgate ([^\n]*)" binary_version "${binary_version}")
include(${CPACK_RELGATE_SOURCE_DIR}/cmake/deb_version.cmake)
relgate_deb_version(expected "${CMAKE_MATCH_1}" "${CPACK_RELGATE_FALLBACK}")
if(NOT expected STREQUAL CPACK_DEBIAN_PACKAGE_VERSION)
  message(FATAL_ERROR "deb_files.cmake: the package would be ${CPACK_DEBIAN_PACKAGE_VERSION}, "
    "its relgate says ${CMAKE_MATCH_1} (${expected})")
endif()

# The date of the source's last commit, so the same commit gives the same package.
execute_process(COMMAND git log -1 --format=%cD
  WORKING_DIRECTORY ${CPACK_RELGATE_SOURCE_DIR}
  OUTPUT_VARIABLE date OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(date STREQUAL "")
  string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()
file(WRITE ${doc}/changelog "relgate (${CPACK_DEBIAN_PACKAGE_VERSION}) unstable; urgency=medium

  * Built from relgate's sources; CHANGELOG.md in this directory lists the
    changes of each release.

 -- ${CPACK_PACKAGE_CONTACT}  ${date}
")
execute_process(COMMAND gzip -9nf ${doc}/changelog RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "deb_changelog.cmake: gzip failed")
endif()

if(CPACK_RELGATE_STATIC_DEPS)
  file(MAKE_DIRECTORY ${CPACK_TEMPORARY_DIRECTORY}/usr/share/lintian/overrides)
  file(COPY_FILE ${CPACK_RELGATE_SOURCE_DIR}/doc/lintian-overrides
    ${CPACK_TEMPORARY_DIRECTORY}/usr/share/lintian/overrides/relgate)
endif()
