// Issue 11: the answer's end-to-end figure (prefill + decode per request, with its cost) and the
// layout view's words about idle chips, KV copies and the attention split are the core's numbers
// (evaluate/search "end_to_end" and "attention_use"); on a phone the answer comes before the form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertShownEquals, openPage, readNumbers, scenarioOf, screenshot, settle, setUpSuite, waitReady } from './harness.mjs';

let server, browser, core;
setUpSuite((s) => ({ server, browser, core } = s));

/** The evaluate-shaped result the page shows for its scenario (search's best). */
function bestOf(text) {
  const r = core.call('search', text);
  assert.equal(r.ok, true, JSON.stringify(r.error));
  return r.best;
}

async function numbersOf(page) {
  const out = {};
  for (const n of await readNumbers(page, '#results')) out[n.id] = n;
  return out;
}

test('answer: end to end per request = time to first token + decode, with its cost, as the core computes it', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  const r = bestOf(await scenarioOf(page));
  const e = r.end_to_end;
  assert.ok(e && e.prefill_s > 0 && e.decode_s > 0, 'the core reports both phases');
  const n = await numbersOf(page);
  for (const [k, unit] of [
    ['total_s', 's'],
    ['prefill_s', 's'],
    ['decode_s', 's'],
    ['chip_seconds_per_request', 'chip_s'],
    ['chip_seconds', 'chip_s'],
    ['input_tokens', 'int'],
    ['generate_tokens', 'int'],
  ]) {
    const shown = n[`e2e-${k}`];
    assert.ok(shown, `e2e-${k} shown`);
    assertShownEquals(shown.text, unit, shown.value, e[k], `end_to_end.${k}`);
  }
  assert.match(await page.textContent('[data-testid="end-to-end"]'), /time to first token .* \+ decode of 64 tokens/);
  // A prefill answer: the page says what the core's end_to_end holds (no "+ 0 ns" decode).
  await page.selectOption('#phase', 'prefill');
  await settle(page);
  const pre = bestOf(await scenarioOf(page)).end_to_end;
  const text = await page.textContent('[data-testid="end-to-end"]');
  if (pre.decode === null) assert.match(text, /and no generated tokens/);
  else assert.match(text, new RegExp(`\\+ decode of ${pre.generate_tokens} tokens`));
  assert.doesNotMatch(text, / 0 ns/);
  p.assertClean();
  await p.close();
});

test("layout: idle chips and the real attention split are said in words with the core's numbers", async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  // The issue-11 case: 4096 chips at batch 1024, attention over batch.
  await page.fill('#chips', '4096');
  await page.fill('#batch', '1024');
  await page.selectOption('#ffn_layout', 'ws2d');
  await page.selectOption('#attention_sharding', 'batch');
  await settle(page);
  await page.click('#tab-layout');
  const r = bestOf(await scenarioOf(page));
  assert.equal(r.attention_use.idle_chips, 3072);
  let n = await numbersOf(page);
  assertShownEquals(n['attention_use-idle_chips'].text, 'int', n['attention_use-idle_chips'].value, r.attention_use.idle_chips, 'idle chips');
  assertShownEquals(n['attention_use-busy_chips'].text, 'int', n['attention_use-busy_chips'].value, r.attention_use.busy_chips, 'busy chips');
  assert.match(
    await page.textContent('[data-testid="attention-idle"]'),
    /^3,072 of 4,096 chips have no attention work: the batch of 1,024 sequences is split 4,096 ways/,
  );
  assert.equal(await page.getAttribute('[data-testid="attention-split"]', 'data-split'), 'batch');
  await screenshot(page, 'layout-idle-chips');
  // wg_xyz "over heads" splits the batch over every chip: the view says batch, and why.
  await page.fill('#chips', '64');
  await page.fill('#batch', '64');
  await page.selectOption('#phase', 'prefill');
  await page.selectOption('#ffn_layout', 'wg_xyz');
  await page.selectOption('#attention_sharding', 'heads');
  await settle(page);
  const w = bestOf(await scenarioOf(page));
  assert.equal(w.attention_use.split, 'batch');
  assert.equal(await page.getAttribute('[data-testid="attention-split"]', 'data-split'), 'batch');
  assert.match(
    await page.textContent('[data-testid="attention-split"]'),
    /^batch \(the plan's attention sharding is "heads", but the weight-gathered XYZ layout already splits the batch/,
  );
  // 2D weight-stationary over heads with multiquery: 16 chips idle, the K/V head on all 64.
  await page.selectOption('#ffn_layout', 'ws2d');
  await settle(page);
  const hd = bestOf(await scenarioOf(page));
  n = await numbersOf(page);
  assert.equal(hd.attention_use.kv_copies, 64);
  assertShownEquals(n['attention_use-kv_copies'].text, 'count', n['attention_use-kv_copies'].value, hd.attention_use.kv_copies, 'KV copies');
  assertShownEquals(n['attention_use-idle_chips'].text, 'int', n['attention_use-idle_chips'].value, hd.attention_use.idle_chips, 'idle chips (heads)');
  assert.match(await page.textContent('[data-testid="attention-idle"]'), /the query heads are split 64 ways, more than there are heads/);
  // GQA (docs/gqa-attention.md): Llama 3.1 70B's 8 K/V heads over one axis of 4, batch over the
  // other two; the view names the hybrid with the core's axes and ways, and nothing is copied.
  await page.selectOption('#model-preset', 'llama-3.1-70b');
  await page.selectOption('#phase', 'decode');
  await page.fill('#batch', '16');
  await page.selectOption('#ffn_layout', 'ws2d');
  await page.selectOption('#attention_sharding', 'hybrid');
  await settle(page);
  const hy = bestOf(await scenarioOf(page));
  assert.equal(hy.attention_sharding, 'hybrid');
  assert.equal(hy.attention_use.split, 'batch_and_heads');
  assert.equal(hy.attention_use.kv_copies, 1);
  assert.equal(await page.getAttribute('[data-testid="attention-split"]', 'data-sharding'), 'hybrid');
  const kv = hy.sharding.find((t) => t.tensor === 'kv_cache');
  assert.equal(kv.notation, 'B_yz L H_x');
  assert.match(
    await page.textContent('[data-testid="attention-hybrid"]'),
    /^ — GQA hybrid: K\/V heads over x=4 \(4 ways, each K\/V head stored once, its query heads with it\), batch over y=4z=4 \(16 ways\)$/,
  );
  n = await numbersOf(page);
  assertShownEquals(n['attention-hybrid-head_ways'].text, 'int', n['attention-hybrid-head_ways'].value, hy.attention_head_ways, 'hybrid head ways');
  assertShownEquals(n['attention-hybrid-batch_ways'].text, 'int', n['attention-hybrid-batch_ways'].value, hy.attention_batch_ways, 'hybrid batch ways');
  assert.equal(await page.getAttribute('[data-testid="shard-kv_cache-notation"]', 'data-notation'), 'B_yz L H_x');
  assert.equal(await page.$('[data-testid="attention-kv-copies"]'), null, 'no KV copies to report');
  const a2a = await page.$$eval('[data-testid="layout-collectives"] li[data-collective$="all_to_all"] [data-axis]', (es) =>
    es.map((e) => e.dataset.axis).join(''),
  );
  assert.equal(a2a, 'yzyz', 'both all-to-alls over y and z only');
  // The reference decoder does not execute the hybrid (the core refuses it): no run is offered.
  assert.equal(await page.$('#run-it'), null);
  assert.match(await page.textContent('[data-testid="run-it-hybrid"]'), /the reference decoder runs only attention over heads or over batch/);
  await screenshot(page, 'layout-gqa-hybrid');
  p.assertClean();
  await p.close();
});

test('phone: at 390 px the answer is on the first screen, before the form', async () => {
  const p = await openPage(browser, { colorScheme: 'light', viewport: { width: 390, height: 844 } });
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  const box = (sel) =>
    page.$eval(sel, (e) => {
      const b = e.getBoundingClientRect();
      return { top: b.top, bottom: b.bottom };
    });
  const title = await box('#answer-title');
  const latency = await box('#results [data-testid="latency_s"]');
  const form = await box('#inputs');
  assert.ok(latency.bottom <= 844, `the answer's latency is visible without scrolling (bottom ${latency.bottom})`);
  assert.ok(title.top < form.top, 'the answer comes before the inputs');
  await page.screenshot({ path: new URL('../../build/screenshots/phone-answer-first.png', import.meta.url).pathname });
  // The jump to the inputs works without touching the address (the fragment holds the state).
  const hash = await page.evaluate(() => location.hash);
  await page.click('#to-inputs');
  assert.equal(await page.evaluate(() => location.hash), hash);
  assert.ok(await page.evaluate(() => document.getElementById('inputs').contains(document.activeElement)), 'focus moved into the inputs');
  p.assertClean();
  await p.close();
});
