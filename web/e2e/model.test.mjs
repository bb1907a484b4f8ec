// Issue #2 (web part): pick a model preset, read the numbers, compare them with the core's,
// reload from the URL, and bad links keep the last valid state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertShownEquals, openPage, readNumbers, screenshot, setUpSuite, waitReady } from './harness.mjs';

let server, browser, core;
setUpSuite((s) => ({ server, browser, core } = s));

/** Checks every number in the model card against describeModel() from the core. */
async function assertModelNumbers(page, id) {
  const d = core.call('describeModel', JSON.stringify({ model: id }));
  assert.equal(d.ok, true);
  const expected = {};
  for (const [k, v] of Object.entries(d.params)) expected[`params-${k}`] = v;
  expected['weight_bytes-bf16'] = d.weight_bytes.bf16;
  expected['weight_bytes-int8'] = d.weight_bytes.int8;
  expected.kv_bytes_per_token = d.kv_bytes_per_token;
  for (const k of ['n_layers', 'd_model', 'd_ff', 'n_heads', 'n_kv_heads', 'd_head', 'vocab_size']) expected[`model-${k}`] = d.model[k];
  const shown = await readNumbers(page, '.model-card');
  const seen = new Set();
  for (const n of shown) {
    assert.ok(n.id in expected, `unexpected number ${n.id}`);
    assertShownEquals(n.text, n.unit, n.value, expected[n.id], `${id} ${n.id}`);
    seen.add(n.id);
  }
  for (const k of ['params-total_params', 'params-embedding', 'params-ffn', 'weight_bytes-bf16', 'weight_bytes-int8', 'kv_bytes_per_token']) {
    assert.ok(seen.has(k), `${k} is shown`);
  }
  assert.equal(await page.textContent('.model-card h2'), d.model.name);
}

test('pick a preset, numbers equal the core, reload from the URL restores it', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  assert.equal(await page.inputValue('#model-preset'), 'palm-540b');
  await assertModelNumbers(page, 'palm-540b');
  const presets = core.call('listPresets').models.map((m) => m.id);
  assert.deepEqual(
    (await page.$$eval('#model-preset option', (os) => os.map((o) => o.value))).filter((v) => v !== 'custom'),
    presets,
  );

  await page.selectOption('#model-preset', 'palm-8b');
  await page.waitForFunction(() => document.querySelector('.model-card h2')?.textContent === 'PaLM 8B');
  await page.waitForFunction(() => location.hash.startsWith('#v=1&s='));
  await assertModelNumbers(page, 'palm-8b');
  const url = page.url();
  await screenshot(page, 'model-desktop-light');

  await page.reload();
  await waitReady(page);
  assert.equal(page.url(), url);
  assert.equal(await page.inputValue('#model-preset'), 'palm-8b');
  await assertModelNumbers(page, 'palm-8b');

  // A shared link opened in a fresh page.
  const q = await openPage(browser, { colorScheme: 'dark', viewport: { width: 390, height: 844 } });
  await q.page.goto(url);
  await waitReady(q.page);
  assert.equal(await q.page.inputValue('#model-preset'), 'palm-8b');
  await assertModelNumbers(q.page, 'palm-8b');
  await screenshot(q.page, 'model-phone-dark');
  q.assertClean();
  await q.close();
  p.assertClean();
  await p.close();
});
