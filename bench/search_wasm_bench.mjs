// The full PaLM 540B frontier through the wasm module under node, with the wasm/native ratio of
// the same `make bench` run (the native figure is read from Google Benchmark's JSON output).
// Usage: node --no-experimental-fetch bench/search_wasm_bench.mjs build/bench/native.json
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

const root = new URL('../', import.meta.url);
const { default: createEstiCore } = await import(new URL('build/wasm/wasm/esti_core.mjs', root));
const wasmBinary = await readFile(new URL('build/wasm/wasm/esti_core.wasm', root));
const core = await createEstiCore({ wasmBinary });

const request = JSON.stringify({ model: 'palm-540b', input_tokens: 2048, generate_tokens: 64 });
// Node optimises wasm functions that are called repeatedly: warm up before timing.
for (let i = 0; i < 5; ++i) JSON.parse(core.frontier(request));
const times = [];
for (let i = 0; i < 20; ++i) {
  const t0 = performance.now();
  const r = JSON.parse(core.frontier(request));
  times.push(performance.now() - t0);
  if (!r.ok) throw new Error(r.error.message);
}
times.sort((a, b) => a - b);
const wasmMs = times[Math.floor(times.length / 2)];
console.log(`frontier_palm540b_wasm_api_ms: ${wasmMs.toFixed(2)}`);

const nativeFile = process.argv[2];
if (nativeFile) {
  const native = JSON.parse(await readFile(nativeFile, 'utf8'));
  const row = native.benchmarks.find((b) => b.name === 'BM_Frontier540BApi');
  if (row) {
    const nativeMs = row.real_time * ({ ns: 1e-6, us: 1e-3, ms: 1, s: 1e3 }[row.time_unit] ?? 1);
    console.log(`frontier_palm540b_native_api_ms: ${nativeMs.toFixed(2)}`);
    console.log(`frontier_palm540b_wasm_over_native_time: ${(wasmMs / nativeMs).toFixed(2)}`);
  }
}
