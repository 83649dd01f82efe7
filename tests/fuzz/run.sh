#!/usr/bin/env bash
# Fuzzes every libFuzzer target for a bounded time, two at a time, starting
# from the seed corpus in the repository (new inputs go to a scratch
# directory, not into the repository). Any crash, leak or timeout fails.
#
#   tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET]   (default 20)
# A failing input is kept in BUILD_DIR/fuzz-artifacts and printed in base64.
#   RELGATE_FUZZ_RUNS=10000000 tests/fuzz/run.sh BUILD_DIR 0   # a number of runs instead
# RELGATE_FUZZ_MAX_LEN (default 65536) and RELGATE_FUZZ_TIMEOUT (seconds a
# unit may take, default 10) tune libFuzzer; the one-time long run used
#   RELGATE_FUZZ_RUNS=10000000 RELGATE_FUZZ_MAX_LEN=4096 RELGATE_FUZZ_TIMEOUT=60
# (60: on a shared machine a starved fuzzer reports a timeout on a unit that
# takes milliseconds; libFuzzer's timeout is wall-clock time).
set -uo pipefail
build=$(cd "${1:?usage: run.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-20}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/relgate-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
limit=(-max_total_time="$seconds")
[ "$seconds" = 0 ] && limit=(-runs="${RELGATE_FUZZ_RUNS:-1000000}")
failed=0
pids=()
names=()
for fuzzer in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$fuzzer" ] || continue
  name=${fuzzer##*/fuzz_}
  mkdir -p "$scratch/$name"
  ( cd "$scratch" && "$fuzzer" "${limit[@]}" -timeout="${RELGATE_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
      -max_len="${RELGATE_FUZZ_MAX_LEN:-65536}" \
      -artifact_prefix="$scratch/$name-" -print_final_stats=1 "$scratch/$name" "$here/corpus/$name" \
      >"$scratch/$name.log" 2>&1 ) &
  pids+=($!)
  names+=("$name")
  if [ ${#pids[@]} -ge 2 ]; then
    wait "${pids[0]}" || { failed=1; echo "fuzz: ${names[0]} FAILED"; tail -40 "$scratch/${names[0]}.log"; }
    pids=("${pids[@]:1}")
    names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { failed=1; echo "fuzz: ${names[$i]} FAILED"; tail -40 "$scratch/${names[$i]}.log"; }
done
for log in "$scratch"/*.log; do
  [ -e "$log" ] || continue
  name=${log##*/}
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  echo "fuzz: ${name%.log}: ${runs:-?} executions"
done
if [ "$failed" -ne 0 ]; then
  # Keep what failed: the scratch directory goes away.
  kept="$build/fuzz-artifacts"
  mkdir -p "$kept"
  for a in "$scratch"/*-crash-* "$scratch"/*-leak-* "$scratch"/*-timeout-* "$scratch"/*-oom-*; do
    [ -e "$a" ] || continue
    cp "$a" "$kept/"
    echo "fuzz: kept $kept/${a##*/} (base64: $(head -c 3000 "$a" | base64 -w0))"
  done
fi
exit $failed
