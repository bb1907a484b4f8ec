// src/core-results.ts declares the core's answers; this test holds it to real answers from the
// wasm module: each answer is written into a TypeScript file as an object literal typed with its
// declaration, and tsc must accept it. Object literals get excess-property checks, so a key the
// core writes but the file does not declare fails, as does a declared key the answer lacks or a
// value of another type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const web = fileURLToPath(new URL('../../', import.meta.url));

async function loadCore() {
  const { default: createEstiCore } = await import('../../src/wasm/esti_core.mjs');
  const wasmBinary = await readFile(new URL('../../src/wasm/esti_core.wasm', import.meta.url));
  return createEstiCore({ wasmBinary });
}

test('the core answers have the shapes src/core-results.ts declares', async () => {
  const core = await loadCore();
  const call = (fn, req) => core[fn](JSON.stringify(req));
  const presets = JSON.parse(core.listPresets());
  const answers = [];
  const add = (type, text) => {
    assert.equal(JSON.parse(text).ok, type !== 'CoreErrorAnswer', text.slice(0, 300));
    answers.push([type, text]);
  };
  for (const { id } of presets.scenarios) {
    const sc = JSON.parse(core.getPreset(JSON.stringify({ kind: 'scenarios', id }))).preset;
    const searched = call('search', sc); // a preset's search may have no answer: an error answer then
    add(JSON.parse(searched).ok ? 'SearchAnswer' : 'CoreErrorAnswer', searched);
    add('EvaluateAnswer', call('evaluate', { ...sc, chips: 64, batch: 64, weights: 'int8', ffn_layout: 'auto', attention_sharding: 'auto' }));
  }
  add('SchemaAnswer', core.schema());
  const base = { model: 'palm-8b', phase: 'decode', chips: 8, batch: 16, input_tokens: 512, generate_tokens: 32 };
  add('EvaluateAnswer', call('evaluate', { ...base, mode: 'roofline' }));
  add('EvaluateAnswer', call('evaluate', { ...base, phase: 'prefill', generate_tokens: undefined }));
  add('EvaluateAnswer', call('evaluate', { ...base, model: 'llama-3.1-70b', chips: 1 })); // does not fit
  add('SearchAnswer', call('search', { ...base, chips: 'auto', batch: [1, 64], objective: 'min_cost', include_infeasible: true }));
  add('FrontierAnswer', call('frontier', { ...base, chips: [8, 16], phase: undefined, detail: 'summary' }));
  add('FrontierAnswer', call('frontier', { ...base, chips: [8, 16], include_dominated: true }));
  // A comparison: a preset chip and an inline one with a list price ($ per million tokens).
  const h100 = JSON.parse(core.getPreset(JSON.stringify({ kind: 'hardware', id: 'h100-sxm' }))).preset;
  const priced = { ...h100, id: 'h100-priced', cost_per_chip_hour_usd: 3.6, price_source: 'a test price', price_date: '2026-11-30' };
  add('EvaluateAnswer', call('evaluate', { ...base, hardware: priced }));
  add('FrontierCompareAnswer', call('frontier', { ...base, chips: [8, 16], phase: undefined, detail: 'summary', hardware: ['tpu-v4', priced] }));
  add('MaxContextAnswer', call('maxContext', { model: 'palm-540b', chips: 64, batch: 128, weights: 'int8', kv_memory_fraction: 0.3 }));
  add('CoreErrorAnswer', call('evaluate', { ...base, batch: 0 }));
  // The answers the other views read: the model card, the paper view and its fit box, "Run it".
  add('DescribeModelAnswer', call('describeModel', { model: 'palm-8b' }));
  add('DescribeModelAnswer', call('describeModel', { model: 'llama-3.1-70b' }));
  const small = { n_layers: 2, d_model: 64, d_ff: 256, n_heads: 8, n_kv_heads: 1, d_head: 8, vocab_size: 128 };
  add('DescribeModelAnswer', call('describeModel', { model: small }));
  add('ReproduceAnswer', core.reproduce('{}'));
  add('CalibrateAnswer', call('calibrate', { data: ['palm-540b-tpu-v4', 'palm-62b-tpu-v4', 'palm-8b-tpu-v4'] }));
  const measured = (id, chips, batch, s) => ({
    id,
    group: 'decode',
    scenario: { model: 'palm-8b', phase: 'decode', chips, batch, input_tokens: 2048, generate_tokens: 64, weights: 'bf16' },
    measured_latency_per_token_s: s,
  });
  // One model and one group: no cross-validation, and parameters the data cannot identify.
  add(
    'CalibrateAnswer',
    call('calibrate', { data: { schema_version: 1, hardware: 'tpu-v4', points: [measured('a', 8, 64, 0.00582), measured('b', 16, 32, 0.00429)] } }),
  );
  const decodeRequest = { model: small, prompt: [1, 2, 3], tokens: 3, batch: 8, hashes: false };
  add('DecodeAnswer', call('decode', decodeRequest));
  for (const [ffn_layout, attention_sharding] of [
    ['ws2d', 'batch'],
    ['wg_xyz', 'heads'],
    ['ws1d', 'heads'],
  ]) {
    add('MeshDecodeAnswer', call('decode', { ...decodeRequest, mesh: '2x2x2', ffn_layout, attention_sharding }));
  }

  const dir = await mkdtemp(join(tmpdir(), 'esti-answers-'));
  try {
    const types = [...new Set(answers.map(([t]) => t))].join(', ');
    let text = `import type { ${types} } from '${join(web, 'src/core-results.ts')}';\n`;
    answers.forEach(([type, json], i) => (text += `export const a${i}: ${type} = ${json};\n`));
    const file = join(dir, 'answers.ts');
    await writeFile(file, text);
    const tsc = join(web, 'node_modules/.bin/tsc');
    const flags = [
      '--noEmit',
      '--strict',
      '--target',
      'es2022',
      '--module',
      'esnext',
      '--moduleResolution',
      'bundler',
      '--allowImportingTsExtensions',
      '--skipLibCheck',
      '--types',
      '',
      file,
    ];
    const r = await run(tsc, flags, { cwd: dir }).catch((e) => e);
    assert.equal(r.code ?? 0, 0, `tsc rejected an answer:\n${String(r.stdout).slice(0, 3000)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
