#!/usr/bin/env bash
# Builds relgate and runs every test (unit tests and the black-box suites
# that push to real repositories), on a fresh Debian 12 machine too.
#
#   install/test.sh
#
# RELGATE_SANITIZE=ON builds and runs everything under ASan+UBSan.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sanitize=${RELGATE_SANITIZE:-OFF}
build=${RELGATE_BUILD_DIR:-$src/build/test}
[ "$sanitize" = ON ] && build=${RELGATE_BUILD_DIR:-$src/build/sanitize}

"$src/install/deps.sh"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRELGATE_WERROR=ON \
  -DRELGATE_SANITIZE="$sanitize" >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" --timeout 600
