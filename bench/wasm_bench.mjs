// Batch-1 int8 decode of the ~517M-parameter bench model (bench/decoder_bench.cpp) in the wasm
// module under node, and its ratio to the native figure of the same `make bench` run.
// Usage: node --no-experimental-fetch bench/wasm_bench.mjs [build/bench/decoder.json]
// (the Google Benchmark JSON output of esti_bench from the same `make bench` run).
// The workload is the native benchmark's: 128 tokens generated from an empty cache (a one-token
// prompt, then decode steps at positions 1..127), timed step by step inside the module.
// V8 compiles wasm first with its baseline tier and optimises a function only after it has been
// called often enough (no on-stack replacement), so one long call would measure baseline code.
// The decoder calls its kernel ~100 times per token; the first kWarmupSteps decode steps are
// discarded and the rate is steps / time over the rest, as the native figure is.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const candidates = [process.env.ESTI_WASM_MODULE ?? 'build/wasm/wasm/esti_core.mjs'];
const modPath = candidates.map((p) => new URL(p, root)).find((u) => existsSync(u));
if (!modPath) {
  console.error('wasm_bench: build the wasm module first (make wasm)');
  process.exit(1);
}
const { default: createEstiCore } = await import(modPath.href);
const wasmBinary = await readFile(new URL(modPath.href.replace(/\.mjs$/, '.wasm')));
const core = await createEstiCore({ wasmBinary });

const kWarmupSteps = 4;
const model = {
  id: 'bench-500m', n_layers: 14, d_model: 1536, d_ff: 6144, n_heads: 12, n_kv_heads: 1,
  d_head: 128, vocab_size: 32000,
};
const request = {
  model, prompt: [1], tokens: 128, weights: 'int8', seed: 1, batch: 1,
  step_times: true, hashes: false,
};
const out = JSON.parse(core.decode(JSON.stringify(request)));
if (!out.ok) {
  console.error('wasm_bench: decode failed:', JSON.stringify(out.error));
  process.exit(1);
}
const steps = out.step_s.slice(kWarmupSteps);
const wasmTokensPerS = steps.length / steps.reduce((a, b) => a + b, 0);
console.log(`decode_int8_wasm_kernel: ${out.kernel}`);
console.log(`decode_int8_wasm_setup_s: ${out.setup_s.toFixed(2)}`);
console.log(`decode_int8_wasm_first_steps_s: ${out.step_s.slice(0, kWarmupSteps).map((s) => s.toFixed(4)).join(',')}`);
console.log(`decode_int8_wasm_tokens_per_s: ${wasmTokensPerS.toFixed(3)}`);

const nativePath = process.argv[2];
if (nativePath && existsSync(nativePath)) {
  const report = JSON.parse(await readFile(nativePath, 'utf8'));
  const run = (report.benchmarks ?? []).find((b) => b.name.startsWith('BM_DecodeInt8VsRead'));
  if (!run) {
    console.error(`wasm_bench: no BM_DecodeInt8VsRead in ${nativePath}`);
    process.exit(1);
  }
  console.log(`decode_int8_native_tokens_per_s (${nativePath}): ${run.decode_tokens_per_s.toFixed(3)}`);
  console.log(`decode_int8_wasm_over_native: ${(wasmTokensPerS / run.decode_tokens_per_s).toFixed(3)}`);
} else {
  console.log('decode_int8_wasm_over_native: (no native figures: run through `make bench`)');
}
