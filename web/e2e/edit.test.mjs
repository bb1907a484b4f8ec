// The page edits the scenario it was given (issue: one schema, many front ends): a linked custom
// model and chip keep every field through edits, answers that are no longer current say so, and
// the latency budget applies to prefill too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { openPage, scenarioOf as scenarioTextOf, screenshot, settle, setUpSuite, waitReady } from './harness.mjs';

let server, browser, core;
setUpSuite((s) => ({ server, browser, core } = s));

const scenarioOf = async (page) => JSON.parse(await scenarioTextOf(page));
const linkOf = (sc) => `#v=1&s=${deflateRawSync(Buffer.from(JSON.stringify(sc))).toString('base64url')}`;
const shown = (page, id) => page.getAttribute(`#results [data-testid="${id}"]`, 'data-value');

test('a linked custom model and chip survive every edit', async () => {
  // Llama-3-70B's shape (untied embedding, its own nominal size) on a chip with per-axis
  // collectives and its own calibration: nothing the form does not show may be rewritten.
  const tpu = core.call('getPreset', JSON.stringify({ kind: 'hardware', id: 'tpu-v4' })).preset;
  delete tpu.source;
  const chip = {
    ...tpu,
    id: 'my-v4',
    name: 'My TPU v4 (per-axis links)',
    collective_bandwidth: 'per_axis',
    calibration: { ...tpu.calibration, hbm_efficiency: 0.8, per_layer_overhead_s: 3e-5 },
  };
  const model = {
    schema_version: 1,
    id: 'llama-3-70b-shape',
    name: 'Llama 3 70B (shape)',
    n_layers: 80,
    d_model: 8192,
    d_ff: 28672,
    n_heads: 64,
    n_kv_heads: 8,
    d_head: 128,
    vocab_size: 128256,
    ffn_type: 'swiglu',
    block_type: 'serial',
    shared_embedding: false,
    nominal_params: 70.6e9,
  };
  const sc = {
    schema_version: 1,
    model,
    hardware: chip,
    chips: 64,
    phase: 'decode',
    batch: 64,
    input_tokens: 2048,
    generate_tokens: 64,
    weights: 'int8',
    ffn_layout: 'auto',
    attention_sharding: 'auto',
    mode: 'calibrated',
    objective: 'min_latency',
  };
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url + linkOf(sc));
  await waitReady(page);
  await settle(page);
  const before = { latency: await shown(page, 'latency_per_token_s'), config: await page.textContent('[data-testid="config"]') };
  const expected = core.call('search', JSON.stringify(sc));
  assert.equal(expected.ok, true, JSON.stringify(expected.error));
  assert.equal(before.latency, String(expected.best.latency_per_token_s));
  assert.match(await page.textContent('#model-preset option[value="custom"]'), /Llama 3 70B \(shape\)/);

  for (const b of ['65', '64']) {
    await page.fill('#batch', b);
    await settle(page);
  }
  const after = await scenarioOf(page);
  assert.deepEqual(after.model, model, 'the model document is unchanged');
  assert.deepEqual(after.hardware, chip, 'the chip document is unchanged');
  assert.equal(await shown(page, 'latency_per_token_s'), before.latency, 'same numbers');
  assert.equal(await page.textContent('[data-testid="config"]'), before.config, 'same layout');

  // Editing a shown field changes only that field.
  await page.fill('#m-n_layers', '40');
  await settle(page);
  const edited = await scenarioOf(page);
  assert.deepEqual(edited.model, { ...model, n_layers: 40 });
  await page.selectOption('#m-shared_embedding', 'true');
  await settle(page);
  assert.equal((await scenarioOf(page)).model.shared_embedding, true);
  p.assertClean();
  await p.close();
});

test('custom starts from the selected preset; stale answers are marked; prefill takes a budget', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.selectOption('#model-preset', 'palm-8b');
  await settle(page);
  await page.selectOption('#model-preset', 'custom');
  await settle(page);
  const preset = core.call('getPreset', JSON.stringify({ kind: 'models', id: 'palm-8b' })).preset;
  const custom = (await scenarioOf(page)).model;
  for (const k of ['n_layers', 'd_model', 'd_ff', 'n_heads', 'n_kv_heads', 'd_head', 'vocab_size', 'nominal_params', 'shared_embedding']) {
    assert.equal(custom[k], preset[k], k);
  }
  assert.equal(custom.name, 'PaLM 8B, edited');

  // HBM too small: the old answer stays but is marked as not current, with the core's reason.
  await page.selectOption('#hw-preset', 'custom');
  await settle(page);
  assert.equal(await page.isHidden('#stale'), true);
  // Chip fields show and take units; the core reads them (io/quantity.h).
  assert.equal(await page.inputValue('#hw-hbm_capacity_bytes'), '32 GiB');
  assert.equal(await page.inputValue('#hw-hbm_bandwidth_bytes_per_s'), '1.2 TB/s');
  assert.equal(await page.inputValue('#hw-peak_flops_per_s_bf16'), '275 TFLOP/s');
  await page.fill('#hw-hbm_capacity_bytes', '32 GB/s');
  await page.waitForFunction(() => /bytes such as/.test(document.getElementById('hw-hbm_capacity_bytes-error')?.textContent ?? ''));
  await page.fill('#hw-hbm_capacity_bytes', '10 MB');
  await page.waitForSelector('#stale:not([hidden])');
  assert.match(await page.textContent('#stale'), /Not current: no plan fits in memory/);
  assert.equal(await page.getAttribute('#results', 'data-stale'), 'true');
  await screenshot(page, 'stale-answer');
  await page.fill('#hw-hbm_capacity_bytes', '32 GiB');
  await page.waitForSelector('#stale[hidden]', { state: 'attached' });
  await settle(page);
  // Back to the text it showed: the document's own number, not the typed string.
  assert.equal((await scenarioOf(page)).hardware.hbm_capacity_bytes, 34359738368);

  // Prefill: the budget is on the whole prompt (time to first token).
  await page.selectOption('#phase', 'prefill');
  await settle(page);
  assert.match(await page.textContent('label[for="max_latency_per_token_s"]'), /Time-to-first-token budget/);
  await page.fill('#max_latency_per_token_s', '2 ms');
  await page.waitForSelector('#stale:not([hidden])');
  assert.match(await page.textContent('#stale'), /latency budget of 2 ms/);
  assert.equal((await scenarioOf(page)).max_latency_s, undefined, 'a rejected input does not reach the link');
  await page.fill('#max_latency_per_token_s', '10 s');
  await settle(page);
  assert.equal((await scenarioOf(page)).max_latency_s, '10 s');
  p.assertClean();
  await p.close();
});

test('view changes and loaded candidates are history entries: Back returns to them', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.fill('#batch', 'auto');
  await settle(page);
  const before = await scenarioTextOf(page);
  const latency = await shown(page, 'latency_s');
  await page.click('#tab-frontier');
  await page.waitForFunction(() => /view=frontier/.test(location.hash));
  await page.click('#tab-answer');
  await settle(page);
  // Load the last ranked candidate, then go back: the search scenario returns.
  const last = (await page.locator('[data-candidate]').count()) - 1;
  await page.click(`[data-candidate="${last}"]`);
  await settle(page);
  assert.notEqual(await scenarioTextOf(page), before);
  await page.goBack();
  await page.waitForFunction((v) => document.querySelector('#results [data-testid="latency_s"]')?.getAttribute('data-value') === v, latency);
  assert.equal(await scenarioTextOf(page), before);
  await page.goBack();
  await page.waitForFunction(() => /view=frontier/.test(location.hash));
  p.assertClean();
  await p.close();
});
