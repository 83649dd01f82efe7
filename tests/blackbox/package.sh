#!/usr/bin/env bash
# Black-box suite: the .deb, as a Debian user gets it. cpack makes it from
# the build directory of the binary under test; lintian finds no error in
# it; its version is the binary's (git describe, mapped so that dpkg orders
# releases as they are ordered); it declares what the binary links; dpkg
# installs it into an empty root (dpkg --root), where relgate --version,
# man -w relgate and git relgate --help work from the package's files alone;
# dpkg --purge leaves nothing behind.
#
#   bash tests/blackbox/package.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=$(dirname "$RELGATE_BIN")
for need in cpack lintian dpkg dpkg-deb man; do
    command -v "$need" >/dev/null || { echo "not ok - $need is not installed (install/deps.sh test)"; echo "0 passed, 1 failed"; exit 1; }
done
[ -f "$BUILD_DIR/CPackConfig.cmake" ] || { echo "ok - skipped: not a CMake build directory: $BUILD_DIR"; exit 125; }

# The package, made once for every scenario.
PKG_DIR=$SUITE_TMP/package
mkdir -p "$PKG_DIR"
if ! (cd "$PKG_DIR" && cpack --config "$BUILD_DIR/CPackConfig.cmake" -B "$PKG_DIR") >"$SUITE_TMP/cpack.log" 2>&1; then
    echo "not ok - cpack failed:"
    sed 's/^/#   /' "$SUITE_TMP/cpack.log"
    echo "0 passed, 1 failed"
    exit 1
fi
DEB=$(ls "$PKG_DIR"/relgate_*.deb)

deb_version() {
    cmake -DRELGATE_DESCRIBE="$1" -DRELGATE_FALLBACK=0.1.0 -P "$SOURCE_DIR/cmake/deb_version.cmake" 2>&1
}

version_from_the_tag() {
    local describe want got
    while read -r describe want; do
        got=$(deb_version "$describe")
        [ "$got" = "$want" ] || fail "git describe $describe: package version $got, expected $want"
    done <<'TABLE'
v0.5.0-rc1 0.5.0~rc1
v0.5.0-rc2-3-gabc1234 0.5.0~rc2+3.gabc1234
v0.5.0 0.5.0
v0.5.0-3-gabc1234 0.5.0+3.gabc1234
v0.5.0-3-gabc1234-dirty 0.5.0+3.gabc1234.dirty
v0.5.1 0.5.1
v0.10.0-rc1 0.10.0~rc1
abc1234 0.1.0+gabc1234
TABLE
    # dpkg orders them as the releases are ordered (the table's order).
    local previous=
    while read -r describe _; do
        got=$(deb_version "$describe")
        if [ -n "$previous" ] && [ "$describe" != abc1234 ]; then
            dpkg --compare-versions "$previous" lt "$got" || fail "dpkg orders $previous after $got"
        fi
        previous=$got
    done <<'TABLE'
v0.5.0-rc1
v0.5.0-rc2-3-gabc1234
v0.5.0
v0.5.0-3-gabc1234
v0.5.1
v0.10.0-rc1
TABLE
    # The package's version is the binary's.
    local binary
    binary=$("$RELGATE_BIN" --version | sed -n '1s/^relgate //p')
    want=$(cmake -DRELGATE_DESCRIBE="$binary" -DRELGATE_FALLBACK="$(sed -nE 's/^project\(relgate VERSION ([0-9.]+).*/\1/p' "$SOURCE_DIR/CMakeLists.txt")" \
        -P "$SOURCE_DIR/cmake/deb_version.cmake" 2>&1)
    got=$(dpkg-deb -f "$DEB" Version)
    [ "$got" = "$want" ] || fail "the package is version $got, its binary says $binary ($want)"
}

lintian_finds_no_error() {
    # As root lintian says it would rather not be; that line is no finding.
    run_cmd lintian --tag-display-limit 0 --display-info "$DEB"
    grep -v 'running with root privileges' "$LAST_OUTPUT" | grep -q '^E: ' && fail "lintian reports errors"
    [ "$LAST_RC" -eq 0 ] || fail "lintian exited $LAST_RC"
}

# Every shared library the binary needs comes from a package it depends on
# (dpkg-shlibdeps: CPACK_DEBIAN_PACKAGE_SHLIBDEPS), and the programs and
# libraries relgate runs or loads at run time are declared too.
depends_on_what_it_links() {
    local depends extracted=$SCENARIO_DIR/extracted soname path package
    depends=$(dpkg-deb -f "$DEB" Depends)
    echo "Depends: $depends"
    must dpkg-deb -x "$DEB" "$extracted"
    while read -r soname; do
        path=$(ldconfig -p | awk -v s="$soname" '$1 == s { print $NF; exit }')
        [ -n "$path" ] || { fail "cannot find $soname"; continue; }
        package=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -n1 | cut -d: -f1)
        [ -n "$package" ] || package=$(dpkg -S "$path" 2>/dev/null | head -n1 | cut -d: -f1)
        echo "$soname: $package"
        grep -qE "(^|, )$package( |,|$)" <<<"$depends" || fail "links $soname ($package), which Depends does not name"
    done < <(readelf -d "$extracted/usr/bin/relgate" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]/\1/p')
    for package in git libcurl4 libc6; do
        grep -qE "(^|, )$package( |,|$)" <<<"$depends" || fail "Depends does not name $package"
    done
}

installed_into_an_empty_root() {
    local root=$SCENARIO_DIR/root admin force=()
    admin=$root/var/lib/dpkg
    mkdir -p "$admin/info" "$admin/updates" "$admin/triggers"
    touch "$admin/status" "$admin/available"
    [ "$(id -u)" -eq 0 ] || force=(--force-not-root --force-bad-path)
    # The root has none of the package's dependencies: that is the point.
    expect_accept dpkg --root="$root" "${force[@]}" --force-depends -i "$DEB"
    local -a in_root=(env -i HOME="$HOME" PATH="$root/usr/bin:/usr/bin:/bin" MANPATH="$root/usr/share/man"
                      MANPAGER=cat PAGER=cat)
    expect_accept "${in_root[@]}" relgate --version
    assert_output_matches "^relgate $("$RELGATE_BIN" --version | sed -n '1s/^relgate //p')\$"
    expect_accept "${in_root[@]}" man -w relgate
    assert_output_contains "$root/usr/share/man/man1/relgate.1.gz"
    expect_accept "${in_root[@]}" man -w 5 relgate.toml
    expect_accept "${in_root[@]}" man -w 7 relgate-rules
    expect_accept "${in_root[@]}" git relgate --help
    assert_output_contains "relgate - git hooks that enforce"
    [ -f "$root/usr/share/bash-completion/completions/relgate" ] || fail "no bash completion in the package"
    [ "$(readlink "$root/usr/share/bash-completion/completions/git-relgate")" = relgate ] ||
        fail "no completion for git relgate in the package"
    # Removed and purged, the root is as it was.
    expect_accept dpkg --root="$root" "${force[@]}" --purge relgate
    local left
    left=$(cd "$root" && find . -mindepth 1 ! -path './var' ! -path './var/lib' ! -path './var/lib/dpkg' ! -path './var/lib/dpkg/*')
    [ -z "$left" ] || fail "left behind after dpkg --purge: $(echo $left)"
    run_cmd dpkg-query --admindir="$admin" -W -f='${db:Status-Abbrev}' relgate
    [ "$LAST_RC" -ne 0 ] || grep -qE '^(un|pn)' "$LAST_OUTPUT" || fail "dpkg still knows relgate: $(cat "$LAST_OUTPUT")"
}

run_scenario "the version comes from the tag" version_from_the_tag
run_scenario "lintian finds no error" lintian_finds_no_error
run_scenario "Depends names what the binary links" depends_on_what_it_links
run_scenario "installed into an empty root, then purged" installed_into_an_empty_root
finish
