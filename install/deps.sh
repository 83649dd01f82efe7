#!/usr/bin/env bash
# Installs what relgate needs to build (and with `test`, to run every test),
# from Debian 12 packages only.
# Idempotent: does nothing when everything is already there. Uses sudo when
# not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git python3
  libgit2-dev libtomlplusplus-dev libre2-dev libspdlog-dev libfmt-dev
  catch2 libcli11-dev libcurl4-openssl-dev nlohmann-json3-dev
  libmbedtls-dev libhttp-parser-dev libpcre2-dev zlib1g-dev
)
# `deps.sh test`: also what the test run needs beyond building (clang with
# its sanitizer and libFuzzer runtimes, for the sanitizer run and the fuzz
# targets; llvm-14 for llvm-symbolizer, without which a sanitizer report has
# no function names and LeakSanitizer's suppressions cannot match; time for
# the benchmark's peak memory).
if [ "${1:-}" = test ]; then
  packages+=(clang-14 libclang-rt-14-dev llvm-14 time)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "relgate: error: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
  sudo=(sudo)
fi
echo "relgate: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
