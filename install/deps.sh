#!/usr/bin/env bash
# Installs what relgate needs to build (and with `test`, to run every test),
# from Debian 12 packages only. Building includes the manual pages (scdoc)
# and what makes them and the shell completion work once installed (man-db,
# bash-completion).
# Idempotent: does nothing when everything is already there. Uses sudo when
# not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git python3
  libgit2-dev libtomlplusplus-dev libre2-dev libspdlog-dev libfmt-dev
  catch2 libcli11-dev libcurl4-openssl-dev nlohmann-json3-dev
  libmbedtls-dev libhttp-parser-dev libpcre2-dev zlib1g-dev
  libicu-dev
  scdoc man-db bash-completion
)
# `deps.sh test`: also what the test run needs beyond building (clang with
# its sanitizer and libFuzzer runtimes, for the sanitizer run and the fuzz
# targets; llvm-14 for llvm-symbolizer, without which a sanitizer report has
# no function names and LeakSanitizer's suppressions cannot match; time for
# the benchmark's peak memory).
# The real servers relgate is tested behind (tests/blackbox/gitolite.sh,
# smart_http.sh): gitolite over sshd, nginx with fcgiwrap and basic auth
# (htpasswd). The suites start them on 127.0.0.1 with private configurations;
# installing them starts no service (below). The package suite checks the
# .deb with lintian.
# The ready CI workflows (install/github, install/gitlab; tests/blackbox/
# ci_workflows.sh): npm for action-validator, python3-yaml to read them.
if [ "${1:-}" = test ]; then
  packages+=(clang-14 libclang-rt-14-dev llvm-14 time
             gitolite3 openssh-server nginx fcgiwrap apache2-utils python3-yaml
             lintian)
  # Debian's npm, unless one is there (NodeSource's nodejs has its own and
  # conflicts with Debian's).
  command -v npm >/dev/null || packages+=(npm)
fi

# `deps.sh test`, after the packages: action-validator (GitHub Actions
# workflows checked offline against their schema), from npm at a fixed
# version, into build/tools/ of this checkout (no global install).
npm_tools() {
  [ "${1:-}" = test ] || return 0
  local prefix version=0.6.0
  prefix="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/tools"
  if [ "$(cat "$prefix/node_modules/@action-validator/cli/package.json" 2>/dev/null |
         sed -n 's/^ *"version": "\(.*\)",*$/\1/p')" = "$version" ]; then
    return 0
  fi
  echo "relgate: installing @action-validator/cli@$version into $prefix" >&2
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "@action-validator/cli@$version" >/dev/null
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  npm_tools "${1:-}"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "relgate: error: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
  sudo=(sudo)
fi
echo "relgate: installing ${missing[*]}" >&2
# Noninteractive: gitolite3 then asks debconf for no admin key and sets
# nothing up (the tests run `gitolite setup` in a home of their own).
export DEBIAN_FRONTEND=noninteractive
# Packages with a service (sshd, nginx) would start it on install: a
# policy-rc.d that says no (exit 101, invoke-rc.d(8)) keeps them stopped,
# unless the machine has its own policy already.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_tools "${1:-}"
