// Calibration on the page (issue: calibration that transfers): the answer's error band and range
// warnings, the Paper view's rows equal the core's reproduce(), and a user's measurement file is
// fitted by the core with its residuals shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertShownEquals, openPage, readNumbers, screenshot, setUpSuite, waitReady } from './harness.mjs';

let server, browser, core;
setUpSuite((s) => ({ server, browser, core } = s));

test('the answer shows the calibrated error band; out-of-range inputs are flagged', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  const band = page.locator('[data-testid="latency-band"]');
  await band.waitFor();
  const lo = Number(await page.getAttribute('[data-testid="latency_band-low_per_token_s"]', 'data-value'));
  const hi = Number(await page.getAttribute('[data-testid="latency_band-high_per_token_s"]', 'data-value'));
  const v = Number(await page.getAttribute('[data-testid="latency_per_token_s"]', 'data-value'));
  assert.ok(lo > 0 && lo <= hi, `band ${lo}..${hi}`);
  assert.ok(lo < 2 * v && hi > v / 2, `band ${lo}..${hi} around ${v}`);
  // The default (PaLM 540B, 64 chips, batch 64) lies inside the calibration data: no warning.
  assert.equal(await page.locator('[data-testid="calibration-warnings"]').count(), 0);
  // 1024 chips is beyond every measured slice: the page says so.
  await page.fill('#chips', '1024');
  await page.waitForSelector('[data-testid="calibration-warnings"]');
  assert.match(await page.textContent('[data-testid="calibration-warnings"]'), /chips 1024 is outside the measured 8-128/);
  await screenshot(page, 'answer-band-warning');
  p.assertClean();
  await p.close();
});

test("the Paper view lists the core's reproduce() rows and loads a measured point", async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.click('#tab-paper');
  await page.waitForSelector('[data-view="paper"] table');
  const rows = core.call('reproduce', '{}').rows;
  assert.equal(await page.locator('[data-view="paper"] tbody tr').count(), rows.length);
  const expected = {};
  for (const r of rows) for (const k of ['paper', 'roofline', 'calibrated', 'error']) expected[`paper-${r.id}-${k}`] = r[k];
  const shown = await readNumbers(page, '[data-view="paper"]');
  assert.equal(shown.length, rows.length * 4);
  for (const n of shown) assertShownEquals(n.text, n.unit, n.value, expected[n.id], n.id);
  await screenshot(page, 'paper-view');
  // A measured point loads its configuration: the answer then shows the row's calibrated number.
  const row = rows.find((r) => r.id === '8b-fig1-decode-bf16-c8-b64');
  await page.click(`[data-paper-row="${row.id}"]`);
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="latency_per_token_s"]')?.getAttribute('data-value') === want,
    String(row.calibrated),
  );
  assert.equal(await page.inputValue('#model-preset'), 'palm-8b');
  p.assertClean();
  await p.close();
});

test("a measurement file is fitted by the core; a bad one gets the core's message", async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.click('#tab-paper');
  // Text typed while the paper rows arrive must survive that re-render: type first, then wait.
  await page.fill('#measurements', '{"typed": "before the rows arrived"}');
  await page.waitForSelector('[data-view="paper"] table');
  assert.equal(await page.inputValue('#measurements'), '{"typed": "before the rows arrived"}');
  const file = {
    schema_version: 1,
    hardware: 'tpu-v4',
    points: [
      {
        id: 'a',
        group: 'decode',
        scenario: { model: 'palm-8b', phase: 'decode', chips: 8, batch: 64, input_tokens: 2048, generate_tokens: 64, weights: 'bf16' },
        measured_latency_per_token_s: 0.00582,
      },
      {
        id: 'b',
        group: 'prefill',
        scenario: { model: 'palm-8b', phase: 'prefill', chips: [8, 16, 32], input_tokens: 2048, weights: 'bf16' },
        chips_per_batch: 0.0625,
        measured_latency_s: 1.56,
      },
      {
        id: 'c',
        group: 'decode',
        scenario: { model: 'palm-8b', phase: 'decode', chips: 16, batch: 32, input_tokens: 2048, generate_tokens: 64, weights: 'bf16' },
        measured_latency_s: 0.27456,
      },
    ],
  };
  await page.fill('#measurements', JSON.stringify(file));
  await page.click('#fit-measurements');
  await page.waitForSelector('[data-testid="fit-result"]');
  const fit = core.call('calibrate', JSON.stringify({ data: file }));
  assert.equal(fit.ok, true);
  for (const pt of fit.points) {
    assert.equal(await page.getAttribute(`[data-testid="fit-${pt.id}-predicted"]`, 'data-value'), String(pt.predicted_s));
  }
  assert.deepEqual(JSON.parse(await page.textContent('[data-testid="calibration-block"]')), fit.calibration);
  await screenshot(page, 'calibrate-own-file');

  file.points[0].measured_latency_per_token_s = -1;
  await page.fill('#measurements', JSON.stringify(file));
  await page.click('#fit-measurements');
  await page.waitForFunction(() => /measured_latency_per_token_s/.test(document.querySelector('[data-testid="calibrate-error"]')?.textContent ?? ''));
  assert.match(await page.textContent('[data-testid="calibrate-error"]'), /\/data\/points\/0\/measured_latency_per_token_s/);
  p.assertClean();
  await p.close();
});
