// Issue 11 item 5, frontier charts: each chart is one tab stop; the arrow keys move a card along the
// frontier (in latency order) showing the point's plan, latency (with the calibration band), cost
// and MFU as the core computed them; Enter loads the point. Points are coloured and shaped by
// weight format, with a legend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, parseShown, scenarioOf, screenshot, settle, setUpSuite, waitReady } from './harness.mjs';

let server, browser, core;
setUpSuite((s) => ({ server, browser, core } = s));

/** The frontier request the page sends for its scenario (model, chip, workload; summary points). */
function frontierOf(text) {
  const sc = JSON.parse(text);
  const req = { schema_version: 1 };
  for (const k of ['model', 'hardware', 'input_tokens', 'generate_tokens', 'mode']) if (sc[k] !== undefined) req[k] = sc[k];
  req.detail = 'summary';
  const r = core.call('frontier', JSON.stringify(req));
  assert.equal(r.ok, true, JSON.stringify(r.error));
  return r;
}

/** The card's label → shown text. */
async function cardOf(page, chart) {
  return page.$eval(`[data-testid="${chart}-card"]`, (c) => {
    const rows = {};
    const dts = [...c.querySelectorAll('dt')];
    dts.forEach((dt) => (rows[dt.textContent] = dt.nextElementSibling?.textContent ?? ''));
    return { key: c.getAttribute('data-key'), title: c.querySelector('.point-title')?.textContent ?? '', rows };
  });
}

function assertCardShows(card, pt, label) {
  assert.match(card.title, new RegExp(`^${pt.chips} chips \\(${pt.topology.join('×')}\\), batch ${pt.batch}, ${pt.weights} weights`), `${label}: plan`);
  const close = (text, unit, want, what) => {
    const got = parseShown(text, unit);
    const tol = unit === 'fraction' ? 5e-4 : 5e-4 * Math.abs(want);
    assert.ok(Math.abs(got - want) <= tol, `${label} ${what}: shown "${text}" vs core ${want}`);
  };
  close(card.rows['Latency per generated token'], 's', pt.latency_per_token_s, 'latency per token');
  close(card.rows['Cost per token'], 'chip_s', pt.cost_chip_s_per_token, 'cost');
  close(card.rows.MFU, 'fraction', pt.mfu, 'MFU');
  if (pt.latency_band) {
    const [lo, hi] = card.rows['Calibration error band'].split(' – ');
    close(lo, 's', pt.latency_band.low_per_token_s, 'band low');
    close(hi, 's', pt.latency_band.high_per_token_s, 'band high');
  }
}

test('frontier chart: one tab stop, arrows move the card along the frontier, Enter loads the point', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  const f = frontierOf(await scenarioOf(page));
  await page.click('#tab-frontier');
  await page.waitForSelector('[data-testid="frontier-decode-cost"] .pt', { timeout: 60000 });
  // No point is a tab stop of its own; each chart is one.
  assert.equal(await page.$$eval('#results .pt[tabindex]', (e) => e.length), 0);
  // The last control before the charts is the last checkbox of the chips to compare with.
  await page.evaluate(() => [...document.querySelectorAll('[data-testid="frontier-compare"] input')].at(-1).focus());
  await page.keyboard.press('Tab');
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.outerHTML.slice(0, 80)),
    'frontier-decode-cost',
    'Tab from the chip checkboxes enters the first chart',
  );
  await page.keyboard.press('Tab');
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
    'frontier-decode-mfu',
    'one more Tab leaves it for the next chart',
  );
  await page.keyboard.press('Shift+Tab');
  // Focused, the card shows the current configuration's point (ringed), else the fastest.
  const order = f.decode
    .map((pt, i) => ({ pt, key: `decode-${i}` }))
    .filter((x) => x.pt.latency_per_token_s > 0 && x.pt.cost_chip_s_per_token > 0)
    .sort((a, b) => a.pt.latency_per_token_s - b.pt.latency_per_token_s);
  const ringed = await page.$$eval('[data-testid="frontier-decode-cost"] [data-current="true"]', (e) => e.length);
  let card = await cardOf(page, 'frontier-decode-cost');
  let at = order.findIndex((x) => x.key === card.key);
  assert.ok(at >= 0, `the card names a point (${card.key})`);
  if (ringed === 0) assert.equal(at, 0);
  assertCardShows(card, order[at].pt, `focused ${card.key}`);
  // Home, then Right along the frontier in latency order: the card follows.
  await page.keyboard.press('Home');
  card = await cardOf(page, 'frontier-decode-cost');
  assert.equal(card.key, order[0].key, 'Home: the fastest point');
  for (let step = 1; step <= Math.min(3, order.length - 1); step++) {
    await page.keyboard.press('ArrowRight');
    card = await cardOf(page, 'frontier-decode-cost');
    assert.equal(card.key, order[step].key, `ArrowRight ${step}: the next point along the frontier`);
    assertCardShows(card, order[step].pt, `after ${step} ArrowRight`);
  }
  await page.keyboard.press('ArrowLeft');
  at = Math.min(3, order.length - 1) - 1;
  card = await cardOf(page, 'frontier-decode-cost');
  assert.equal(card.key, order[at].key, 'ArrowLeft: back one point');
  // Both weight formats are in the legend, each with its own marker shape.
  const legend = await page.$$eval('[data-testid="frontier-decode-cost-legend"] [data-group]', (e) =>
    e.map((x) => `${x.tagName}:${x.getAttribute('data-group')}`),
  );
  const formats = [...new Set(f.decode.map((x) => x.weights))].sort();
  for (const w of formats)
    assert.ok(
      legend.some((x) => x.endsWith(`:${w}`)),
      `legend names ${w}`,
    );
  const shapes = await page.$$eval('[data-testid="frontier-decode-cost"] .pt', (e) => [
    ...new Set(e.map((x) => `${x.getAttribute('data-group')}:${x.tagName}`)),
  ]);
  assert.equal(new Set(shapes.map((x) => x.split(':')[1])).size, formats.length, `one marker shape per weight format (${shapes})`);
  await screenshot(page, 'frontier-card-desktop-light');
  // Enter loads the point under the card.
  const want = order[at].pt;
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (v) => document.querySelector('#results [data-testid="cost_chip_s_per_token"]')?.getAttribute('data-value') === v,
    String(want.cost_chip_s_per_token),
  );
  await settle(page);
  const sc = JSON.parse(await scenarioOf(page));
  assert.equal(sc.batch, want.batch);
  assert.equal(sc.weights, want.weights);
  assert.deepEqual(sc.topology, want.topology);
  p.assertClean();
  await p.close();
});

test('frontier chart in the dark theme: legend and card readable (screenshot)', async () => {
  const p = await openPage(browser, { colorScheme: 'dark' });
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.click('#tab-frontier');
  await page.waitForSelector('[data-testid="frontier-decode-cost"] .pt', { timeout: 60000 });
  await page.hover('[data-testid="frontier-decode-cost"] .pt[data-key="decode-0"]');
  const card = await cardOf(page, 'frontier-decode-cost');
  assert.equal(card.key, 'decode-0', 'hovering a point shows its card');
  await screenshot(page, 'frontier-card-desktop-dark');
  p.assertClean();
  await p.close();
});
