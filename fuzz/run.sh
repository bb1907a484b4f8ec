#!/usr/bin/env bash
# Runs the libFuzzer targets of the sanitize build two at a time (this machine has 2 cores), each
# for a bounded number of executions: `fuzz/run.sh <runs>` (make fuzz passes FUZZ_RUNS). Logs go to
# build/fuzz/<target>.log; a failing target's log tail is printed and the script exits non-zero. A
# crash leaves its input in build/fuzz/: copy it to fuzz/regressions/<target>/ (replayed by
# ctest --preset sanitize).
set -u
runs=${1:?usage: fuzz/run.sh RUNS}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/sanitize/fuzz"
out="$root/build/fuzz"
mkdir -p "$out"/{scenario_json,safetensors,share_link,inflate}
flags=(-timeout=10 -rss_limit_mb=2560 -print_final_stats=1)

# target, executions, max input length, seed directories...
run() {
  local target=$1 n=$2 max_len=$3
  shift 3
  (cd "$out" && "$bin/fuzz_$target" -runs="$n" -max_len="$max_len" "${flags[@]}" "$target" "$@" \
    > "$out/$target.log" 2>&1)
}
report() {  # target, exit code
  if [ "$2" -ne 0 ]; then
    echo "fuzz_$1 FAILED (exit $2); last lines of build/fuzz/$1.log:"
    tail -n 40 "$out/$1.log"
    return 1
  fi
  echo "fuzz_$1: $(grep -E '^Done' "$out/$1.log")"
}

failed=0
run scenario_json "$runs" 70000 "$root/presets/scenarios" "$root/presets/models" \
  "$root/presets/hardware" "$root/fuzz/regressions/scenario_json" & a=$!
run safetensors $((runs * 10)) 70000 "$root/fuzz/seeds/safetensors" \
  "$root/fuzz/regressions/safetensors" & b=$!
wait $a; ra=$?
wait $b; rb=$?
report scenario_json $ra || failed=1
report safetensors $rb || failed=1
run share_link $((runs / 4)) 17000 "$root/fuzz/seeds/share_link" "$root/fuzz/regressions/share_link" & a=$!
run inflate "$runs" 13000 "$root/fuzz/seeds/inflate" "$root/fuzz/regressions/inflate" & b=$!
wait $a; ra=$?
wait $b; rb=$?
report share_link $ra || failed=1
report inflate $rb || failed=1
exit $failed
