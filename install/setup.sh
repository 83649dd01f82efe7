#!/usr/bin/env bash
# The main job, in one command: installs the build dependencies, builds
# relgate, installs the binary (PREFIX, default /usr/local) and installs the
# hooks into a repository with the built-in policy.
#
#   install/setup.sh [REPOSITORY]
#
# REPOSITORY defaults to the repository of the current directory. A clone gets
# the client pre-push hook; a bare repository gets the server pre-receive hook
# (set RELGATE_HOOK=update for the update hook instead).
#
# Run again, it is the update command: after a new relgate (git pull) or a
# security update of libgit2 or re2 (apt-get upgrade), which relgate links
# statically, it rebuilds what changed and replaces the installed files
# (a hook running meanwhile keeps its old binary); the hook's installation
# is left as it is. `relgate --version` names the packages it was built with.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=${PREFIX:-/usr/local}
build=${RELGATE_BUILD_DIR:-$src/build/release}
target=${1:-}

"$src/install/deps.sh"

cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRELGATE_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

sudo=()
if [ ! -w "$prefix" ] && [ ! -w "$(dirname "$prefix")" ] && [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
"${sudo[@]}" cmake --install "$build" --prefix "$prefix" >/dev/null
relgate="$prefix/bin/relgate"
version=$("$relgate" --version)
echo "relgate: installed ${version%%$'\n'*} as $relgate (${version#*$'\n'})"

if [ -z "$target" ]; then
  if ! target=$(git rev-parse --absolute-git-dir 2>/dev/null); then
    echo "relgate: not inside a git repository, so no hooks were installed."
    echo "relgate: install them with: $relgate install --repo /path/to/repository"
    exit 0
  fi
  # The work tree of a clone, the directory itself of a bare repository.
  if [ "$(git rev-parse --is-bare-repository)" = false ]; then
    target=$(git rev-parse --show-toplevel)
  fi
fi
hook_args=()
[ -n "${RELGATE_HOOK:-}" ] && hook_args=(--hook "$RELGATE_HOOK")
"$relgate" --repo "$target" install "${hook_args[@]}"
