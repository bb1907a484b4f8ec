#!/usr/bin/env bash
# Runs every `esti` subcommand as a user would and checks exit codes and what is printed:
# 0 with the expected content for good input, 2 with one "esti: <code> at <path>: ..." line for
# bad input. Usage: cli_test.sh path/to/esti path/to/source-dir
set -uo pipefail
ESTI=$1
SRC=$2
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME EXIT_CODE PATTERN -- command...: the command's exit code and a grep -E pattern that
# its stdout (exit 0) or stderr (otherwise) must match.
expect() {
  local name=$1 code=$2 pattern=$3
  shift 4
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local got=$?
  local stream="$tmp/out"
  [ "$code" -ne 0 ] && stream="$tmp/err"
  if [ "$got" -ne "$code" ] || ! grep -Eq -- "$pattern" "$stream"; then
    echo "FAIL $name: exit $got (want $code), pattern /$pattern/"
    head -c 600 "$tmp/out" "$tmp/err"
    fail=$((fail + 1))
  else
    pass=$((pass + 1))
  fi
}

SC="$SRC/presets/scenarios/palm-540b-low-latency-decode.json"
cat >"$tmp/search.json" <<'JSON'
{"schema_version":1,"model":"palm-62b","hardware":"tpu-v4","chips":[8,16,32],"phase":"decode","batch":[16,64],"input_tokens":2048,"generate_tokens":64,"weights":"bf16"}
JSON
cat >"$tmp/measurements.json" <<'JSON'
{"schema_version":1,"hardware":"tpu-v4","points":[
 {"id":"a","group":"decode","scenario":{"model":"palm-8b","phase":"decode","chips":8,"batch":64,"input_tokens":2048,"generate_tokens":64,"weights":"bf16"},"measured_latency_per_token_s":0.00582},
 {"id":"b","group":"prefill","scenario":{"model":"palm-8b","phase":"prefill","chips":8,"batch":1,"input_tokens":2048,"weights":"bf16"},"measured_latency_s":0.05086}]}
JSON

expect usage 2 "usage:" -- "$ESTI"
expect presets 0 "palm-540b" -- "$ESTI" presets --format table
expect presets-json 0 '"ok": ?true' -- "$ESTI" presets
expect schema 0 "scenario +batch +integer +sequences" -- "$ESTI" schema --format table
expect schema-json 0 '"documents"' -- "$ESTI" schema
echo '{"model": tru}' >"$tmp/bad.json"
expect parse-error 2 "^esti: parse_error at .*not valid JSON at line 1, column 1[0-9]" -- "$ESTI" evaluate "$tmp/bad.json"
expect model 0 "total_params|Total" -- "$ESTI" model palm-8b --format table
expect model-bad 2 "^esti: unknown_preset at model: .*no-such-model.*palm-540b" -- "$ESTI" model no-such-model
expect evaluate 0 "latency per token +[0-9.]+ ms, [0-9.]+ ms-[0-9.]+ ms" -- "$ESTI" evaluate "$SC" --format table
expect evaluate-json 0 '"latency_band"' -- "$ESTI" evaluate "$SC"
expect evaluate-end-to-end 0 "end to end +[0-9.]+ m?s = [0-9.]+ m?s prefill \\+ [0-9.]+ m?s decode" -- "$ESTI" evaluate "$SC" --format table
expect evaluate-missing 2 "^esti: .*cannot read file" -- "$ESTI" evaluate "$tmp/no-such-file.json"
expect search 0 "decode +[0-9]+" -- "$ESTI" search "$tmp/search.json" --format table
# GQA hybrid (docs/gqa-attention.md): the table names the axes of the K/V heads and of the batch.
cat >"$tmp/gqa.json" <<'JSON'
{"model": "llama-3.1-70b", "chips": 64, "batch": 16, "phase": "decode", "input_tokens": 8192,
 "generate_tokens": 64, "weights": "int8", "ffn_layout": "ws2d", "attention_sharding": "hybrid"}
JSON
expect evaluate-gqa-hybrid 0 "ws2d \\+ attention over hybrid \\(K/V heads over x, batch over yz\\)" -- "$ESTI" evaluate "$tmp/gqa.json" --format table
expect search-csv 0 "^phase,chips,.*latency_band_low_s" -- "$ESTI" search "$tmp/search.json" --format csv
expect frontier 0 "decode" -- "$ESTI" frontier "$tmp/search.json" --format table
expect calibrate-check 0 "median \|error\|" -- "$ESTI" calibrate --check --format table
expect calibrate-own 0 "calibration: \{" -- "$ESTI" calibrate "$tmp/measurements.json" --format table
expect calibrate-bad 2 "^esti: .* at /data" -- "$ESTI" calibrate "$SC"
expect reproduce 0 "table1-mq-batch-b128" -- "$ESTI" reproduce --format table
expect reproduce-csv 0 "^id,source,what,quantity,paper" -- "$ESTI" reproduce --format csv
expect reproduce-bad 2 "^esti: invalid_value at reproduce" -- "$ESTI" reproduce extra-argument
expect decode 0 '"tokens"' -- "$ESTI" decode --model tiny --prompt 1,2,3 --tokens 4
expect decode-mesh 0 '"collectives"' -- "$ESTI" decode --model tiny --prompt 1,2,3 --tokens 2 --mesh 2x1x1 --ffn-layout ws1d --attention-sharding heads
expect decode-bad 2 "^esti: .* at /tokens" -- "$ESTI" decode --model tiny --prompt 1,2,3 --tokens 0
expect bad-format 2 "format" -- "$ESTI" presets --format yaml

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
