#!/usr/bin/env bash
# Builds relgate and runs every test, on a fresh Debian 12 machine too:
#  1. the release configuration (gcc, warnings as errors): unit tests, the
#     black-box suites that push to real repositories, the benchmark's smoke;
#  2. the same suite again under AddressSanitizer and UndefinedBehaviorSanitizer
#     (clang), with the seed corpora of the fuzz targets;
#  3. every fuzz target for RELGATE_FUZZ_SECONDS (default 5) from its corpus
#     (a smoke: the long runs are tests/fuzz/run.sh with more time).
#
#   install/test.sh
#
# RELGATE_SANITIZE=OFF skips 2 and 3 (a quick local run).
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${RELGATE_BUILD_DIR:-$src/build/test}
sanitize=${RELGATE_SANITIZE:-ON}
jobs=$(nproc)

"$src/install/deps.sh" test
step() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "release build and tests"
# The flags install/setup.sh builds with (Release), warnings as errors.
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRELGATE_WERROR=ON >/dev/null
cmake --build "$build" -j"$jobs"
(cd "$build" && ctest --output-on-failure -j"$jobs" --timeout 600)

[ "$sanitize" = ON ] || exit 0

step "sanitizer build (clang, ASan+UBSan, fuzz targets) and tests"
# What this stage needs, each said in one line if missing (deps.sh test
# installs them; a development machine may have them from elsewhere).
symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
for need in /usr/bin/clang-14 /usr/bin/clang++-14 "$symbolizer"; do
  [ -x "$need" ] || { echo "relgate: error: the sanitizer run needs $need (install/deps.sh test installs it)" >&2; exit 2; }
done
compgen -G "/usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.asan-x86_64.a" >/dev/null ||
  { echo "relgate: error: the sanitizer run needs clang's ASan runtime (libclang-rt-14-dev; install/deps.sh test installs it)" >&2; exit 2; }
sbuild=${RELGATE_SANITIZE_BUILD_DIR:-$src/build/sanitize}
CC=clang-14 CXX=clang++-14 cmake -S "$src" -B "$sbuild" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS_RELEASE="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only" \
  -DRELGATE_WERROR=ON -DRELGATE_FUZZ=ON >/dev/null
cmake --build "$sbuild" -j"$jobs"
export ASAN_SYMBOLIZER_PATH=$symbolizer
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$src/tests/sanitizers/lsan.supp:print_suppressions=0
(cd "$sbuild" && ctest --output-on-failure -j"$jobs" --timeout 900)

step "fuzzing each target for ${RELGATE_FUZZ_SECONDS:-5} s"
"$src/tests/fuzz/run.sh" "$sbuild" "${RELGATE_FUZZ_SECONDS:-5}"
step "done"
