# Writes OUTPUT with the version from `git describe`, and the versions of the
# libraries relgate is built with, only when they changed.
execute_process(COMMAND git describe --tags --always --dirty
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0 OR describe STREQUAL "")
  set(describe "${FALLBACK}-unknown")
endif()
# libgit2 and re2 as the Debian packages name them: a security update
# changes the package's version (1.5.1+ds-1+deb12u2), not upstream's.
# Asked at every build, so a rebuild after an update says so.
set(built_with "")
foreach(package libgit2-dev libre2-dev)
  execute_process(COMMAND dpkg-query -W -f=\${Version} ${package}
    OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0 OR version STREQUAL "")
    set(version "(version unknown)")
  endif()
  if(built_with)
    string(APPEND built_with ", ")
  endif()
  string(APPEND built_with "${package} ${version}")
endforeach()
if(STATIC_DEPS)
  set(linking statically)
else()
  set(linking dynamically)
endif()
set(content "namespace relgate {
extern const char* const k_version; const char* const k_version = \"${describe}\";
extern const char* const k_built_with; const char* const k_built_with = \"${built_with}\";
extern const char* const k_linking; const char* const k_linking = \"${linking}\";
}\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE ${OUTPUT} "${content}")
