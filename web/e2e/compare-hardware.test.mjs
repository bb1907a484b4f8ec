// Issue 13 item 6, the page: the Frontiers view compares chips. "TPU v5e or H100 for Llama 3.1 70B?"
// is one view: ticking a second chip sends one frontier request with both chips, draws one series
// per chip (its own colour, marker shape and line, named in the legend and in each point's card),
// and the link reproduces the view exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, scenarioOf, screenshot, settle, setUpSuite, waitReady } from './harness.mjs';

let server, browser, core;
setUpSuite((s) => ({ server, browser, core } = s));

const CHARTS = ['frontier-decode-cost', 'frontier-decode-mfu', 'frontier-prefill-cost', 'frontier-prefill-mfu'];

/** The comparison the page asks the core for (scenario's chip first), computed here by the same wasm. */
function compareOf(text, others) {
  const sc = JSON.parse(text);
  const req = { schema_version: 1 };
  for (const k of ['model', 'hardware', 'input_tokens', 'generate_tokens', 'mode']) if (sc[k] !== undefined) req[k] = sc[k];
  req.hardware = [sc.hardware, ...others];
  req.detail = 'summary';
  const r = core.call('frontier', JSON.stringify(req));
  assert.equal(r.ok, true, JSON.stringify(r.error));
  return r.per_hardware;
}

/** Per chart: each series' points (data-group -> sorted "x,y" strings) as drawn. */
async function drawn(page) {
  const out = {};
  for (const chart of CHARTS) {
    out[chart] = await page.$$eval(`[data-testid="${chart}"] .pt`, (els) => {
      const by = {};
      for (const e of els) (by[e.getAttribute('data-group')] ??= []).push(`${e.getAttribute('data-x')},${e.getAttribute('data-y')}`);
      for (const k of Object.keys(by)) by[k].sort();
      return by;
    });
  }
  return out;
}

function assertSeriesAreTheCores(shown, perHardware, label) {
  perHardware.forEach((chip, k) => {
    for (const [phase, xKey] of [
      ['decode', 'latency_per_token_s'],
      ['prefill', 'latency_s'],
    ]) {
      for (const [y, chart] of [
        ['cost_chip_s_per_token', `frontier-${phase}-cost`],
        ['mfu', `frontier-${phase}-mfu`],
      ]) {
        const want = chip[phase]
          .filter((p) => p[xKey] > 0 && p[y] > 0)
          .map((p) => `${p[xKey]},${p[y]}`)
          .sort();
        assert.ok(want.length > 0, `${label}: ${chip.hardware_id} has ${phase} points`);
        assert.deepEqual(shown[chart][`chip-${k}`], want, `${label}: ${chart} draws ${chip.hardware_id}'s ${want.length} points exactly`);
      }
    }
  });
  for (const chart of CHARTS) assert.equal(Object.keys(shown[chart]).length, perHardware.length, `${label}: ${chart} has one series per chip`);
}

test('Frontiers view: two chips, one series each with the core points, and the link reproduces it', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.selectOption('#model-preset', 'llama-3.1-70b');
  await settle(page);
  await page.selectOption('#hw-preset', 'tpu-v5e');
  await settle(page);
  await page.click('#tab-frontier');
  await page.waitForSelector('[data-testid="frontier-decode-cost"] .pt', { timeout: 60000 });
  // The scenario's own chip is not offered; the others are, unticked.
  assert.equal(await page.$$eval('[data-testid="compare-tpu-v5e"]', (e) => e.length), 0);
  assert.equal(await page.isChecked('[data-testid="compare-h100-sxm"]'), false);
  await page.check('[data-testid="compare-h100-sxm"]');
  await page.waitForSelector('[data-testid="frontier-decode-cost"] .pt[data-group="chip-1"]', { timeout: 60000 });
  await settle(page);

  const per = compareOf(await scenarioOf(page), ['h100-sxm']);
  assert.deepEqual(
    per.map((c) => c.hardware_id),
    ['tpu-v5e', 'h100-sxm'],
  );
  const shown = await drawn(page);
  assertSeriesAreTheCores(shown, per, 'after ticking H100');
  // The stats table counts each chip's frontier points as the core does.
  for (const chip of per)
    for (const phase of ['decode', 'prefill'])
      assert.equal(
        await page.getAttribute(`[data-testid="frontier-${chip.hardware_id}-${phase}-points"]`, 'data-value'),
        String(chip[phase].length),
        `${chip.hardware_id} ${phase} points in the table`,
      );
  // Legend: both chips by name, each with its own marker shape; one line per chip.
  const legend = await page.$$eval('[data-testid="frontier-decode-cost-legend"] text[data-group]', (e) => e.map((x) => x.textContent));
  assert.deepEqual(legend, ['Google TPU v5e', 'NVIDIA H100 SXM']);
  const shapes = await page.$$eval('[data-testid="frontier-decode-cost"] .pt', (e) =>
    [...new Set(e.map((x) => `${x.getAttribute('data-group')}:${x.tagName}`))].sort(),
  );
  assert.deepEqual(shapes, ['chip-0:circle', 'chip-1:rect']);
  assert.equal(await page.$$eval('[data-testid="frontier-decode-cost"] polyline[data-line="group"]', (e) => e.length), 2);
  // Still one tab stop per chart; the card names the chip of the point under it.
  assert.equal(await page.$$eval('#results .pt[tabindex]', (e) => e.length), 0);
  await page.hover('[data-testid="frontier-decode-cost"] .pt[data-key="h1-decode-0"]');
  const title = await page.textContent('[data-testid="frontier-decode-cost-card"] .point-title');
  assert.match(title, /^NVIDIA H100 SXM: \d+ chips/);
  // Issue 13 item 7: beside the point's numbers, the core's warning that this chip is uncalibrated.
  const calibration = await page.$eval('[data-testid="frontier-decode-cost-card"]', (c) => {
    const dt = [...c.querySelectorAll('dt')].find((d) => d.textContent === 'Calibration');
    return dt?.nextElementSibling?.textContent ?? '';
  });
  assert.equal(calibration, per[1].decode[0].calibration_warnings.join('; '));
  assert.match(calibration, /^"NVIDIA H100 SXM \(8-GPU HGX\/DGX node\)" has no calibration \(only TPU v4 is calibrated/);
  await screenshot(page, 'frontier-compare-desktop-light');

  // The link: the address names the chip compared with and the view; opening it elsewhere shows
  // the same chips, the same points.
  const url = await page.evaluate(() => location.href);
  assert.match(url, /&view=frontier&hw=h100-sxm$/);
  p.assertClean();
  await p.close();

  const q = await openPage(browser, { colorScheme: 'dark' });
  await q.page.goto(url);
  await waitReady(q.page);
  await q.page.waitForSelector('[data-testid="frontier-decode-cost"] .pt[data-group="chip-1"]', { timeout: 60000 });
  await settle(q.page);
  assert.equal(await q.page.isChecked('[data-testid="compare-h100-sxm"]'), true);
  assert.deepEqual(await drawn(q.page), shown, 'the link reproduces every series point for point');
  assert.equal(await q.page.evaluate(() => location.href), url, 'and writes the same link back');
  await screenshot(q.page, 'frontier-compare-desktop-dark');

  // Unticking goes back to the single frontier (points grouped by weight format), and the link
  // no longer names a chip to compare with.
  await q.page.uncheck('[data-testid="compare-h100-sxm"]');
  await q.page.waitForFunction(() => document.querySelectorAll('[data-testid="frontier-decode-cost"] .pt[data-group^="chip-"]').length === 0);
  await settle(q.page);
  assert.doesNotMatch(await q.page.evaluate(() => location.hash), /hw=/);
  q.assertClean();
  await q.close();
});

test('a link comparing with an unknown chip is refused with a message naming it', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.waitForFunction(() => location.hash.startsWith('#v=1&s='));
  const good = await page.evaluate(() => location.hash);
  await page.evaluate((h) => (location.hash = h), `${good}&hw=tpu-v9`);
  await page.waitForFunction(() => !document.getElementById('link-error')?.hidden);
  assert.match(await page.textContent('#link-error'), /unknown chip "tpu-v9"/);
  await page.evaluate((h) => (location.hash = h), `${good}&hw=TPU`);
  await page.waitForFunction(() => /malformed chip id/.test(document.getElementById('link-error')?.textContent ?? ''));
  p.assertClean();
  await p.close();
});

test('a typed price per chip-hour gives $ per million tokens from the core; calibration warning beside the answer', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.selectOption('#model-preset', 'llama-3.1-70b');
  await settle(page);
  await page.selectOption('#hw-preset', 'h100-sxm');
  await settle(page);
  // No preset has a price (docs/hardware-sources.md): no dollars are shown.
  assert.equal(await page.$$eval('#results [data-testid="usd_per_million_tokens"]', (e) => e.length), 0);
  // The Answer view says, in the core's words, that H100 is not calibrated.
  const fn = core.core.search ? 'search' : 'evaluate';
  const best = (r) => (fn === 'search' ? r.best : r);
  let answer = best(core.call(fn, await scenarioOf(page)));
  assert.match(answer.calibration_warnings[0], /^"NVIDIA H100 SXM \(8-GPU HGX\/DGX node\)" has no calibration \(only TPU v4 is calibrated/);
  assert.deepEqual(await page.$$eval('[data-testid="calibration-warnings"] li', (e) => e.map((x) => x.textContent)), answer.calibration_warnings);
  // The price field comes from the core's schema (hardware.cost_per_chip_hour_usd).
  await page.selectOption('#hw-preset', 'custom');
  await page.fill('#hw-cost_per_chip_hour_usd', '3.6');
  await page.waitForSelector('#results [data-testid="usd_per_million_tokens"]');
  await settle(page);
  answer = best(core.call(fn, await scenarioOf(page)));
  assert.equal(JSON.parse(await scenarioOf(page)).hardware.cost_per_chip_hour_usd, 3.6);
  const shown = await page.$eval('#results [data-testid="usd_per_million_tokens"]', (e) => [e.getAttribute('data-value'), e.textContent]);
  assert.equal(shown[0], String(answer.usd_per_million_tokens));
  assert.match(shown[1], /^\$[0-9.]+$/);
  const dollars = Number(shown[1].slice(1));
  assert.ok(
    Math.abs(dollars - answer.usd_per_million_tokens) <= 5e-4 * answer.usd_per_million_tokens,
    `shown ${shown[1]} vs core ${answer.usd_per_million_tokens}`,
  );
  await screenshot(page, 'answer-priced-chip-desktop-light');
  p.assertClean();
  await p.close();
});
