// The wasm module the page bundles (src/wasm/esti_core.mjs), exercised from Node.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

let core;
before(async () => {
  const { default: createEstiCore } = await import('../../src/wasm/esti_core.mjs');
  const wasmBinary = await readFile(new URL('../../src/wasm/esti_core.wasm', import.meta.url));
  core = await createEstiCore({ wasmBinary });
});

const call = (fn, arg) => JSON.parse(arg === undefined ? core[fn]() : core[fn](arg));

test('engine version and preset list', () => {
  assert.match(core.engineVersion(), /^\d+\.\d+\.\d+/);
  const p = call('listPresets');
  assert.equal(p.ok, true);
  assert.ok(p.models.some((m) => m.id === 'palm-540b'));
  assert.ok(p.hardware.some((h) => h.id === 'tpu-v4'));
  for (const m of p.models) assert.equal(typeof m.name, 'string');
});

test('every model preset describes, with consistent totals', () => {
  for (const { id } of call('listPresets').models) {
    const d = call('describeModel', JSON.stringify({ model: id }));
    assert.equal(d.ok, true, id);
    const p = d.params;
    assert.ok(p.total_params > 0 && Number.isFinite(p.total_params));
    assert.equal(p.total_params, p.embedding + p.non_embedding, id);
    assert.equal(d.weight_bytes.int8, p.total_params, id);
    assert.equal(d.weight_bytes.bf16, 2 * p.total_params, id);
    assert.ok(d.kv_bytes_per_token > 0);
  }
});

test('PaLM 540B: multiquery KV cache per token = 2 x layers x d_head x bf16', () => {
  const d = call('describeModel', '{"model":"palm-540b"}');
  assert.equal(d.kv_bytes_per_token, 2 * 118 * 256 * 2);
  assert.ok(Math.abs(d.params.total_params / 540e9 - 1) < 0.01);
});

test('errors are values with code and path, and the module keeps working', () => {
  const bad = [
    ['{bad', 'parse_error', ''],
    ['{"model":"nope"}', 'unknown_preset', '/model'],
    ['{"model":"palm-8b","x":1}', 'unknown_key', '/x'],
    ['{"model":{"d_model":4096}}', 'missing_field', '/model/n_layers'],
    ['{"model":"palm-8b","__proto__":{"a":1}}', 'unknown_key', '/__proto__'],
  ];
  for (const [req, code, path] of bad) {
    const r = call('describeModel', req);
    assert.equal(r.ok, false, req);
    assert.equal(r.error.code, code, req);
    assert.equal(r.error.path, path, req);
  }
  assert.equal(call('describeModel', '{"model":"palm-8b"}').ok, true);
});

test('getPreset returns the preset JSON', () => {
  const r = call('getPreset', '{"kind":"models","id":"palm-8b"}');
  assert.equal(r.ok, true);
  assert.equal(r.preset.id, 'palm-8b');
  assert.equal(r.preset.n_layers, 32);
});

test('evaluate (when this engine build has it): canonical echo, finite numbers, errors with paths', (t) => {
  if (typeof core.evaluate !== 'function') return t.skip('this engine build has no evaluate()');
  const sc = {
    schema_version: 1,
    model: 'palm-540b',
    hardware: 'tpu-v4',
    chips: 64,
    phase: 'decode',
    batch: 64,
    input_tokens: 2048,
    generate_tokens: 64,
    weights: 'int8',
    ffn_layout: 'auto',
    attention_sharding: 'auto',
    mode: 'calibrated',
  };
  const r = call('evaluate', JSON.stringify(sc));
  assert.equal(r.ok, true, JSON.stringify(r.error));
  for (const k of ['latency_s', 'latency_per_token_s', 'mfu', 'cost_chip_s_per_token', 'throughput_tokens_per_s', 'memory_per_chip_bytes']) {
    assert.ok(Number.isFinite(r[k]) && r[k] > 0, k);
  }
  assert.equal(r.scenario.model, 'palm-540b');
  assert.equal(r.chips, 64);
  // The canonical echo evaluates to the same numbers (what a frontier click or a link relies on).
  const again = call('evaluate', JSON.stringify(r.scenario));
  assert.equal(again.latency_s, r.latency_s);
  const bad = call('evaluate', JSON.stringify({ ...sc, batch: 0 }));
  assert.equal(bad.ok, false);
  assert.equal(bad.error.path, '/batch');
});

test('search, frontier and maxContext: shapes the page reads, points reproducible by evaluate', () => {
  const sc = {
    schema_version: 1,
    model: 'palm-540b',
    hardware: 'tpu-v4',
    chips: 'auto',
    phase: 'decode',
    batch: 'auto',
    input_tokens: 2048,
    generate_tokens: 64,
    weights: 'auto',
    mode: 'calibrated',
    objective: 'min_cost',
    max_latency_per_token_s: 0.03,
  };
  const s = call('search', JSON.stringify(sc));
  assert.equal(s.ok, true, JSON.stringify(s.error));
  assert.equal(s.objective, 'min_cost');
  assert.ok(s.best.latency_per_token_s <= 0.03);
  assert.deepEqual(s.candidates[0].scenario, s.best.scenario);
  for (const k of ['combinations', 'plans_scored', 'infeasible', 'over_latency_bound', 'dominated']) assert.ok(Number.isInteger(s.stats[k]), k);
  const none = call('search', JSON.stringify({ ...sc, max_latency_per_token_s: 1e-9 }));
  assert.equal(none.ok, false);
  assert.equal(none.error.code, 'infeasible');

  const f = call('frontier', JSON.stringify({ model: 'palm-540b', input_tokens: 2048, generate_tokens: 64 }));
  assert.equal(f.ok, true, JSON.stringify(f.error));
  for (const phase of ['prefill', 'decode']) {
    assert.ok(f[phase].length >= 5, phase);
    const p = f[phase][Math.floor(f[phase].length / 2)];
    const again = call('evaluate', JSON.stringify(p.scenario));
    for (const k of ['latency_s', 'latency_per_token_s', 'cost_chip_s_per_token', 'mfu']) assert.equal(again[k], p[k], `${phase} ${k}`);
  }

  const m = call('maxContext', JSON.stringify({ model: 'palm-540b-padded', chips: 64, batch: 512, kv_memory_fraction: 0.3 }));
  assert.equal(m.ok, true, JSON.stringify(m.error));
  assert.deepEqual(
    m.layouts.map((l) => [l.attention_sharding, l.max_context_tokens]),
    [
      ['heads', 166],
      ['batch', 10663],
    ],
  );
});

// The fit is deterministic across builds: the wasm module fits the paper's data to exactly the
// calibration the TPU v4 preset stores (which the native suite checks equals the native fit).
test('calibrate in wasm reproduces the stored TPU v4 calibration bit for bit', () => {
  const fit = call('calibrate', JSON.stringify({ data: ['palm-540b-tpu-v4', 'palm-62b-tpu-v4', 'palm-8b-tpu-v4'] }));
  assert.equal(fit.ok, true);
  const stored = call('getPreset', JSON.stringify({ kind: 'hardware', id: 'tpu-v4' })).preset.calibration;
  delete stored.source;
  assert.deepEqual(fit.calibration, stored);
  assert.ok(fit.cross_validation.median_abs_relative_error <= 0.12);
});

test('reproduce lists every paper point with finite numbers', () => {
  const r = call('reproduce', '{}');
  assert.equal(r.ok, true);
  assert.equal(r.rows.length, 129);
  for (const row of r.rows) assert.ok(Number.isFinite(row.calibrated) && Number.isFinite(row.paper), row.id);
});
