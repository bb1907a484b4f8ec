// Malformed, too large, future-version and hostile links: a specific error, the last valid state
// kept, location.hash left as it was, and nothing executed or polluted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, setUpSuite, waitReady } from './harness.mjs';

let server, browser, core;
setUpSuite((s) => ({ server, browser, core } = s));

async function linkFor(page, scenarioText) {
  // Build a link with the page's own encoder (no second implementation in the test).
  return page.evaluate(async (s) => {
    const b = new Blob([new TextEncoder().encode(s)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const bytes = new Uint8Array(await new Response(b).arrayBuffer());
    let bin = '';
    for (const x of bytes) bin += String.fromCharCode(x);
    return '#v=1&s=' + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }, scenarioText);
}

test('bad links show a specific error and keep the last valid state', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.selectOption('#model-preset', 'palm-62b');
  await page.waitForFunction(() => document.querySelector('.model-card h2')?.textContent === 'PaLM 62B');
  await page.waitForFunction(() => location.hash.startsWith('#v=1&s='));
  const total = await page.getAttribute('[data-testid="params-total_params"]', 'data-value');

  const cases = [
    ['#v=1&s=@@@', /not valid base64url/],
    ['#v=1&s=N4IgN4IgN4Ig', /not valid compressed data/],
    ['#v=7&s=AAAA', /newer esti \(link version 7/],
    ['#v=1&s=' + 'A'.repeat(20000), /characters long/],
    ['#v=1&q=1', /unknown part "q"/],
  ];
  // Links the core must reject: the page must show the core's own message (computed here by the
  // same wasm module, with the function the page uses to validate a scenario).
  const fn = core.core.search ? 'search' : core.core.evaluate ? 'evaluate' : 'describeModel';
  for (const text of [
    '{"model":"gpt-99"}',
    '{"model":"palm-8b","batch":"<img src=x onerror=window.__xss=1>"}',
    '{"model":"<img src=x onerror=window.__xss=1>"}',
    '"><svg onload=window.__xss=1>',
    '{"__proto__":{"polluted":1},"model":"palm-8b"}',
    '{"model":{"constructor":{"prototype":{"polluted":1}}}}',
    '{"schema_version":99,"model":"palm-8b"}',
  ]) {
    const r = core.call(fn, text);
    assert.equal(r.ok, false, text);
    const esc = r.error.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    cases.push([await linkFor(page, text), new RegExp(esc)]);
  }
  assert.ok(
    cases.some(([, re]) => /img/.test(re.source)),
    'a hostile payload is echoed in an error',
  );
  for (const [hash, re] of cases) {
    const seq = Number(await page.evaluate(() => document.body.dataset.linkSeq ?? '0'));
    await page.evaluate((h) => {
      location.hash = h;
    }, hash);
    await page.waitForFunction((n) => Number(document.body.dataset.linkSeq ?? '0') > n, seq);
    assert.equal(await page.isHidden('#link-error'), false);
    const msg = await page.textContent('#link-error');
    assert.match(msg, re, hash.slice(0, 50));
    assert.match(msg, /Showing the last valid state/);
    assert.equal(await page.evaluate(() => location.hash), hash, 'location.hash unchanged');
    assert.equal(await page.inputValue('#model-preset'), 'palm-62b');
    assert.equal(await page.getAttribute('[data-testid="params-total_params"]', 'data-value'), total);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.evaluate(() => ({}).polluted), undefined);
    assert.equal(await page.$$eval('#link-error *', (e) => e.length), 0, 'error text has no elements');
    if (hash.includes('gpt-99')) await screenshot(page, 'bad-link');
  }
  p.assertClean();
  await p.close();
});

test('opening a bad link first shows the error over the defaults', async () => {
  const p = await openPage(browser);
  await p.page.goto(server.url + '#v=2&s=AAAA');
  await waitReady(p.page);
  assert.match(await p.page.textContent('#link-error'), /newer esti/);
  assert.equal(await p.page.evaluate(() => location.hash), '#v=2&s=AAAA');
  assert.equal(await p.page.inputValue('#model-preset'), 'palm-540b');
  p.assertClean();
  await p.close();
});
