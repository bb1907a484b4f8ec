// A Hugging Face config.json pasted into the page becomes the model being edited, converted by the
// core (the same modelFromHf the CLI's `esti model --from-hf` uses); a broken file gets the core's
// own message saying where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openPage, scenarioOf, screenshot, settle, setUpSuite, waitReady } from './harness.mjs';

let server, browser, core;
setUpSuite((s) => ({ server, browser, core } = s));

test('a pasted config.json becomes the custom model; a broken one says where', async () => {
  const text = await readFile(new URL('../../tests/fixtures/hf/llama-3.1-70b.json', import.meta.url), 'utf8');
  const expected = core.call('modelFromHf', JSON.stringify({ config_text: text }));
  assert.equal(expected.ok, true);
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.click('#hf-import summary');
  await page.fill('#hf-config', text);
  await page.click('#hf-use');
  await page.waitForFunction(() => /^Loaded /.test(document.getElementById('hf-status')?.textContent ?? ''));
  await settle(page);
  assert.equal(await page.inputValue('#model-preset'), 'custom');
  assert.equal(await page.inputValue('#m-n_layers'), String(expected.model.n_layers));
  assert.deepEqual(JSON.parse(await scenarioOf(page)).model, expected.model, "the scenario holds the core's model");
  for (const u of expected.unmapped) assert.match(await page.textContent('#hf-status'), new RegExp(u.field));
  await screenshot(page, 'hf-import');

  await page.fill('#hf-config', '{\n  "hidden_size": 8192,\n  oops\n}');
  await page.click('#hf-use');
  await page.waitForFunction(() => /line 3/.test(document.getElementById('hf-status')?.textContent ?? ''));
  assert.doesNotMatch(await page.textContent('#hf-status'), /json\.exception/);
  assert.equal(await page.inputValue('#model-preset'), 'custom', 'the loaded model stays');
  p.assertClean();
  await p.close();
});
