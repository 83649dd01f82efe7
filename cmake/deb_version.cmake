# relgate_deb_version(OUT DESCRIBE FALLBACK): the Debian package version of
# relgate built at `git describe --tags --always --dirty` = DESCRIBE, so that
# dpkg orders them as the releases are ordered:
#   v0.5.0-rc2 -> 0.5.0~rc2 (before 0.5.0), v0.5.0 -> 0.5.0,
#   v0.5.0-3-gabc1234 -> 0.5.0+3.gabc1234 (after it), a commit without a
#   tag -> FALLBACK+gabc1234 (FALLBACK: project()'s version), -dirty -> +dirty.
#
#   cmake -DRELGATE_DESCRIBE=v0.5.0-rc2 -DRELGATE_FALLBACK=0.1.0 -P cmake/deb_version.cmake
function(relgate_deb_version out describe fallback)
  set(dirty FALSE)
  if(describe MATCHES "^(.*)-dirty$")
    set(describe "${CMAKE_MATCH_1}")
    set(dirty TRUE)
  endif()
  if(describe MATCHES "^v?([0-9]+\\.[0-9]+\\.[0-9]+)(-rc([0-9]+))?(-([0-9]+)-g([0-9a-f]+))?$")
    set(version "${CMAKE_MATCH_1}")
    if(CMAKE_MATCH_2)
      string(APPEND version "~rc${CMAKE_MATCH_3}")
    endif()
    if(CMAKE_MATCH_4)
      string(APPEND version "+${CMAKE_MATCH_5}.g${CMAKE_MATCH_6}")
    endif()
  elseif(describe MATCHES "^[0-9a-f]+$")
    set(version "${fallback}+g${describe}")
  else()
    set(version "${fallback}")
  endif()
  if(dirty)
    if(version MATCHES "\\+")
      string(APPEND version ".dirty")
    else()
      string(APPEND version "+dirty")
    endif()
  endif()
  set(${out} "${version}" PARENT_SCOPE)
endfunction()

if(DEFINED RELGATE_DESCRIBE)
  relgate_deb_version(version "${RELGATE_DESCRIBE}" "${RELGATE_FALLBACK}")
  message("${version}")
endif()
