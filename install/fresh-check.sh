#!/usr/bin/env bash
# Proves the README's two commands on a minimal, fresh Debian 12, as a new
# user meets them: `debootstrap --variant=minbase bookworm` plus git and
# ca-certificates only; a clean clone of this repository's HEAD (committed
# work only) with ../shared beside it; then
#   1. install/setup.sh inside a clone of a project (the main job), after
#      which the clone must still fetch and pull and its hook must refuse a
#      misspelled release tag, man relgate, git relgate --help and the bash
#      completion must work, and setup.sh must run again (the update);
#   2. install/test.sh (every test).
# Each is timed; the times and the test summary go to stdout, the whole
# output to a log in /tmp named at the end.
#
#   sudo install/fresh-check.sh [DIR]      (default /var/tmp/relgate-fresh)
#
# About 10 minutes on two cores. Not part of .ci/run. Needs root,
# debootstrap and Debian's mirror (the host's apt sources are copied in).
# RELGATE_FRESH_KEEP=1 keeps DIR afterwards.
#
# Safety: the host's /dev is never bind-mounted (a failed unmount followed
# by rm -rf would delete the host's device nodes): the few nodes a build
# needs are made with mknod. Only /proc (AddressSanitizer reads
# /proc/self/maps) and a new devpts instance of the chroot's own (terminals,
# as any machine has; not the host's) are mounted, and they are unmounted
# before anything is removed; DIR is only removed when nothing is mounted
# below it.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-/var/tmp/relgate-fresh}
shared=${RELGATE_SHARED:-$src/../shared}

die() { echo "relgate: error: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "fresh-check.sh needs root (debootstrap, chroot, mknod, mount)"
command -v debootstrap >/dev/null || die "fresh-check.sh needs debootstrap (apt-get install debootstrap)"
[ -d "$shared/data" ] || die "no ../shared beside the project ($shared); set RELGATE_SHARED"
case $dir in /|/usr|/var|/tmp|/home|/root|"") die "refusing to use $dir as the chroot" ;; esac

mounted_below() { awk -v d="$dir/" 'index($2 "/", d) == 1 { found = 1 } END { exit !found }' /proc/mounts; }
cleanup() {
  for m in "$dir/dev/pts" "$dir/proc"; do
    if mountpoint -q "$m" 2>/dev/null; then umount "$m" || umount -l "$m" || true; fi
  done
  if [ "${RELGATE_FRESH_KEEP:-0}" != 1 ] && [ -d "$dir" ]; then
    if mounted_below; then
      echo "relgate: something is still mounted below $dir; not removing it" >&2
    else
      rm -rf --one-file-system "$dir"
    fi
  fi
}
if [ -e "$dir" ]; then
  mounted_below && die "something is mounted below $dir; unmount it first"
  rm -rf --one-file-system "$dir"
fi
trap cleanup EXIT

log=$(mktemp /tmp/relgate-fresh-check.XXXXXX.log)
say() { printf '%s\n' "$*" | tee -a "$log"; }
timed() { # timed NAME CMD...: runs CMD, says how long it took and how it ended
  local name=$1 start rc
  shift
  start=$(date +%s)
  set +e
  "$@" >>"$log" 2>&1
  rc=$?
  set -e
  say "$(printf '%-44s %5d s  exit %d' "$name" $(($(date +%s) - start)) "$rc")"
  return "$rc"
}

# The host's mirror (the first URIs/deb line of its apt sources).
mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
  awk '/^(URIs:|deb )/ && !/security/ { print $2; exit }' || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

say "relgate fresh check: $(git -C "$src" describe --always --dirty) in $dir ($(nproc) cores), mirror $mirror"
timed "debootstrap --variant=minbase bookworm" \
  debootstrap --variant=minbase --include=git,ca-certificates bookworm "$dir" "$mirror"

# apt as on the host; no service may start inside the chroot.
rm -f "$dir"/etc/apt/sources.list "$dir"/etc/apt/sources.list.d/*
cp -a /etc/apt/sources.list "$dir/etc/apt/" 2>/dev/null || true
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -e "$f" ] && cp -a "$f" "$dir/etc/apt/sources.list.d/"
done
printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
chmod 755 "$dir/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$dir/etc/resolv.conf"
# The host's own certificate authorities and npm's configuration: where a
# registry is reached through a TLS-inspecting gateway, every machine of the
# network trusts its authority (npm reads /etc/npmrc's cafile), and a fresh
# one of that network would too. Only what the host has is copied.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$dir/usr/local/share/ca-certificates"
  cp -a /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
  chroot "$dir" update-ca-certificates >/dev/null 2>&1 || true
fi
[ -e /etc/npmrc ] && cp -a /etc/npmrc "$dir/etc/npmrc"

# Device nodes by mknod (major, minor as in devices.txt).
mkdir -p "$dir/dev"
for node in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  set -- $node
  [ -c "$dir/dev/$1" ] || { rm -f "$dir/dev/$1"; mknod -m 666 "$dir/dev/$1" c "$2" "$3"; }
done
mkdir -p "$dir/dev/shm" "$dir/dev/pts"
chmod 1777 "$dir/dev/shm"
mount -t proc proc "$dir/proc"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$dir/dev/pts"
ln -sf pts/ptmx "$dir/dev/ptmx"

# A clean clone (what is committed), ../shared beside it.
mkdir -p "$dir/work"
git clone -q --no-hardlinks "$src" "$dir/work/relgate"
cp -a "$shared" "$dir/work/shared"

in_chroot() {
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    TERM=dumb chroot "$dir" /bin/bash -c "$1"
}

# A project to protect: a bare "origin" with one commit, and a clone of it.
in_chroot 'set -e; cd /work
  git config --global user.name "Fresh Check"; git config --global user.email fresh@example.invalid
  git config --global init.defaultBranch main
  git init -q --bare project.git; git clone -q project.git project 2>/dev/null
  cd project; git commit -q --allow-empty -m "feat: initial"; git push -q origin main'

status=0
timed "1. install/setup.sh (in the project's clone)" \
  in_chroot 'cd /work/project && /work/relgate/install/setup.sh' || status=1
timed "   git fetch and git pull after install" \
  in_chroot 'set -e; cd /work/project && git fetch origin && git pull -q' || status=1
timed "   the hook refuses a misspelled tag" \
  in_chroot 'cd /work/project && git tag v0.1.0-RC1 && out=$(git push origin v0.1.0-RC1 2>&1); rc=$?
    echo "$out"; [ "$rc" -ne 0 ] && echo "$out" | grep -q "T1 tag-name"' || status=1
timed "   man relgate, git relgate --help, completion" \
  in_chroot 'set -e; cd /work/project; man -w relgate; man -w relgate.toml; man -w relgate-rules
    MANPAGER=cat git relgate --help | grep -q "relgate - git hooks"
    bash --norc -c ". /usr/share/bash-completion/bash_completion; _completion_loader relgate; complete -p relgate"' || status=1
timed "   install/setup.sh again (the update command)" \
  in_chroot 'set -e; cd /work/project && /work/relgate/install/setup.sh && git tag -d v0.1.0-RC1 >/dev/null &&
    git tag v0.1.0-RC1 && ! git push origin v0.1.0-RC1 2>/dev/null' || status=1
timed "2. install/test.sh" in_chroot 'cd /work/relgate && install/test.sh' || status=1

say "test summary:"
grep -E '^== |tests passed|FAILED|\(Failed\)|^relgate: error' "$log" || true
say "full log: $log"
exit "$status"
