// Issue #5: every view shows the core's numbers; a link round-trip reproduces identical numbers;
// inputs reject bad values next to the input; compare; frontier clicks load a configuration.
// Views whose core function has not landed in this engine build are skipped with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertShownEquals, openPage, readNumbers, scenarioOf, screenshot, settle, setUpSuite, startServer, waitReady } from './harness.mjs';

let server, browser, core;
setUpSuite((s) => ({ server, browser, core } = s));

const hasEval = () => typeof core.core.evaluate === 'function';
const hasSearch = () => typeof core.core.search === 'function';
const hasFrontier = () => typeof core.core.frontier === 'function';
const hasMaxContext = () => typeof core.core.maxContext === 'function';

/** The scenario text in the page's URL (decoded here with zlib, independently of the page). */
/** The evaluate-shaped result the core gives for the page's current scenario. */
function coreResult(text) {
  if (hasSearch()) {
    const r = core.call('search', text);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    return r.best;
  }
  const r = core.call('evaluate', text);
  assert.equal(r.ok, true, JSON.stringify(r.error));
  return r;
}

async function numbersOf(page) {
  const out = {};
  for (const n of await readNumbers(page, '#results')) out[n.id] = n;
  return out;
}

/** The layout view's split table, collectives and axis colours equal evaluate()'s `sharding`,
 *  `role_sizes` and collectives. */
async function checkLayout(page, r) {
  assert.ok(Array.isArray(r.sharding) && r.sharding.length > 0, 'the core reports sharding');
  const shown = await page.$$eval('[data-testid="sharding"] tbody tr', (rows) =>
    rows.map((tr) => ({
      tensor: tr.getAttribute('data-tensor'),
      notation: tr.querySelector('[data-notation]')?.getAttribute('data-notation'),
      notationText: tr.querySelector('[data-notation]')?.textContent,
      cells: [...tr.querySelectorAll('td[data-axes]')].map((td) => ({
        id: td.getAttribute('data-testid'),
        axes: td.getAttribute('data-axes'),
        badges: [...td.querySelectorAll('.ax')].map((b) => [b.getAttribute('data-axis'), b.querySelector('.num')?.getAttribute('data-value')]),
        ways: td.querySelector('.ways .num')?.getAttribute('data-value'),
        waysText: td.querySelector('.ways .num')?.textContent,
      })),
    })),
  );
  assert.deepEqual(
    shown.map((x) => x.tensor),
    r.sharding.map((t) => t.tensor),
    "one row per tensor, in the core's order",
  );
  for (const t of r.sharding) {
    const row = shown.find((x) => x.tensor === t.tensor);
    assert.equal(row.notation, t.notation, `${t.tensor} notation`);
    assert.equal(row.notationText, t.notation.replace(/_/g, ''), `${t.tensor} notation text (subscripts)`);
    assert.equal(row.cells.length, Object.keys(t.splits).length, `${t.tensor}: one cell per dimension`);
    for (const [d, axes] of Object.entries(t.splits)) {
      const c = row.cells.find((x) => x.id === `shard-${t.tensor}-${d}-axes`);
      assert.ok(c, `${t.tensor} ${d} shown`);
      assert.equal(c.axes, axes, `${t.tensor} ${d} axes`);
      assert.deepEqual(
        c.badges,
        [...axes].map((a) => [a, String(r.role_sizes[a])]),
        `${t.tensor} ${d}: axis badges with role sizes`,
      );
      assert.equal(c.ways, String(t.ways[d]), `${t.tensor} ${d} ways`);
      assert.equal(Number(c.waysText.replace(/,/g, '')), t.ways[d], `${t.tensor} ${d} ways text`);
    }
  }
  const colls = await page.$$eval('[data-testid="layout-collectives"] li', (e) =>
    e.map((li) => ({
      name: li.getAttribute('data-collective'),
      axes: [...li.querySelectorAll('.ax')].map((b) => b.getAttribute('data-axis')).join(''),
    })),
  );
  assert.deepEqual(
    colls,
    r.breakdown.collectives.map((c) => ({ name: c.name, axes: c.axes })),
    'collectives and their axes',
  );
  const n = await numbersOf(page);
  r.breakdown.collectives.forEach((c, i) => {
    assertShownEquals(n[`layout-coll-${i}-bytes`].text, 'bytes', n[`layout-coll-${i}-bytes`].value, c.bytes_per_chip_per_layer, `layout ${c.name} bytes`);
    assert.equal(n[`layout-coll-${i}-group_size`].value, String(c.group_size), `layout ${c.name} group`);
  });
  // The same colour marks an axis in the picture and in the tables.
  const colours = await page.evaluate(() => {
    const rgb = (css) => {
      const e = document.createElement('span');
      e.style.color = css;
      document.body.append(e);
      const c = getComputedStyle(e).color;
      e.remove();
      return c;
    };
    const out = {};
    for (const a of ['x', 'y', 'z']) {
      const badge = document.querySelector(`#results .ax-${a}`);
      const line = document.querySelector(`[data-testid="torus"] line[data-axis="${a}"]`);
      out[a] = { badge: badge ? getComputedStyle(badge).color : null, picture: line ? rgb(line.getAttribute('stroke')) : null };
    }
    return out;
  });
  for (const a of ['x', 'y', 'z']) {
    assert.ok(colours[a].badge, `axis ${a} badge`);
    if (r.axis_roles.length === 3) assert.equal(colours[a].picture, colours[a].badge, `axis ${a}: same colour in the picture and the table`);
  }
  assert.notEqual(colours.x.badge, colours.y.badge);
  assert.notEqual(colours.y.badge, colours.z.badge);
}

test('answer, breakdown and layout views show the core numbers; screenshots', async (t) => {
  if (!hasEval()) return t.skip('this engine build has no evaluate()');
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  const text = await scenarioOf(page);
  const r = coreResult(text);

  let n = await numbersOf(page);
  for (const k of ['latency_s', 'latency_per_token_s', 'mfu', 'cost_chip_s_per_token', 'throughput_tokens_per_s', 'memory_per_chip_bytes']) {
    const id = k === 'memory_per_chip_bytes' ? 'memory-memory_per_chip_bytes' : k;
    assert.ok(n[id], `${id} shown`);
    assertShownEquals(n[id].text, n[id].unit, n[id].value, r[k], id);
  }
  for (const k of ['weights_bytes', 'kv_cache_bytes', 'working_bytes', 'hbm_capacity_bytes']) {
    assertShownEquals(n[`memory-${k}`].text, n[`memory-${k}`].unit, n[`memory-${k}`].value, r.memory[k], k);
  }
  assert.equal(await page.getAttribute('[data-testid="fits"]', 'data-fits'), String(r.fits));
  await screenshot(page, 'view-answer-desktop-light');

  await page.click('#tab-breakdown');
  await page.waitForSelector('[data-view="breakdown"]');
  n = await numbersOf(page);
  for (const term of r.breakdown.terms) {
    const e = n[`term-${term.name}`];
    assert.ok(e, `term ${term.name} shown`);
    assertShownEquals(e.text, e.unit, e.value, term.time_s, `term ${term.name}`);
  }
  r.breakdown.collectives.forEach((c, i) => {
    for (const k of ['bytes_per_chip_per_layer', 'time_per_layer_s', 'time_s', 'group_size']) {
      const e = n[`coll-${i}-${k}`];
      assertShownEquals(e.text, e.unit, e.value, c[k], `collective ${c.name} ${k}`);
    }
  });
  // Formula and inputs on demand.
  // Bytes and FLOPs are totals over the phase's passes, and say so.
  const scope = await page.$eval('[data-testid="totals-scope"]', (e) => ({ passes: e.getAttribute('data-passes'), text: e.textContent }));
  assert.equal(scope.passes, String(r.breakdown.passes));
  assert.equal(scope.text, `per chip, over ${r.breakdown.passes.toLocaleString('en-US')} pass${r.breakdown.passes === 1 ? '' : 'es'}`);
  for (const k of ['weight_bytes_per_chip', 'kv_bytes_per_chip', 'matmul_flops_per_chip', 'attention_flops_per_chip']) {
    const e = n[`total-${k}`];
    assert.ok(e, `${k} shown`);
    assertShownEquals(e.text, e.unit, e.value, r.breakdown[k], k);
  }
  await page.click('[data-term="compute"] summary');
  const formula = await page.textContent('[data-term="compute"] .formula');
  assert.equal(formula, r.breakdown.terms.find((x) => x.name === 'compute').formula);
  n = await numbersOf(page);
  const computeText = await page.textContent('[data-term="compute"]');
  for (const [k, v] of Object.entries(r.breakdown.terms.find((x) => x.name === 'compute').inputs)) {
    // A number is a checked number element; a named format (matmul_format) is shown as its name.
    if (typeof v === 'string') assert.ok(computeText.includes(v), `compute input ${k}: ${v}`);
    else assert.equal(n[`input-${k}`].value, String(v), `compute input ${k}`);
  }
  await screenshot(page, 'view-breakdown-desktop-light');

  await page.click('#tab-layout');
  await page.waitForSelector('[data-view="layout"]');
  n = await numbersOf(page);
  for (const k of ['x', 'y', 'z']) assert.equal(n[`role-${k}`].value, String(r.role_sizes[k]));
  assert.equal(n.attention_batch_ways.value, String(r.attention_batch_ways));
  assert.equal(n.attention_head_ways.value, String(r.attention_head_ways));
  assert.equal(await page.$$eval('[data-testid="torus"] rect.chip', (e) => e.length), Math.min(r.topology[2], 16) * r.topology[0] * r.topology[1]);
  await checkLayout(page, r);
  await screenshot(page, 'view-layout-desktop-light');
  assert.match(await page.evaluate(() => location.hash), /&view=layout$/);
  p.assertClean();
  await p.close();
});

test('changing inputs recomputes; the link round-trip reproduces identical numbers', async (t) => {
  if (!hasEval()) return t.skip('this engine build has no evaluate()');
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.fill('#batch', '256');
  await page.selectOption('#phase', 'prefill');
  await page.selectOption('#weights', 'bf16');
  await page.selectOption('#slice-kind', 'topology');
  for (const [i, v] of ['4', '4', '8'].entries()) await page.fill(`#topology-${i}`, v);
  await page.fill('#input_tokens', '1024');
  await settle(page);
  const text = await scenarioOf(page);
  const sc = JSON.parse(text);
  assert.equal(sc.batch, 256);
  assert.deepEqual(sc.topology, [4, 4, 8]);
  assert.equal(sc.phase, 'prefill');
  const r = coreResult(text);
  const a = await numbersOf(page);
  assertShownEquals(a.latency_s.text, 's', a.latency_s.value, r.latency_s, 'latency after edits');
  await page.click('#tab-breakdown');
  await page.waitForSelector('[data-view="breakdown"]');
  // The app writes the fragment asynchronously (CompressionStream): wait until it names the view.
  await page.waitForFunction(() => location.hash.includes('&view=breakdown'));
  const aBreak = await numbersOf(page);
  const url = page.url();

  const q = await openPage(browser, { colorScheme: 'dark', viewport: { width: 390, height: 844 } });
  await q.page.goto(url);
  await waitReady(q.page);
  assert.equal(await q.page.inputValue('#batch'), '256');
  assert.equal(await q.page.inputValue('#phase'), 'prefill');
  assert.equal(await q.page.inputValue('#topology-2'), '8');
  assert.equal(await q.page.getAttribute('[role="tab"][aria-selected="true"]', 'data-view'), 'breakdown');
  const bBreak = await numbersOf(q.page);
  assert.deepEqual(
    Object.fromEntries(Object.entries(bBreak).map(([k, v]) => [k, v.value])),
    Object.fromEntries(Object.entries(aBreak).map(([k, v]) => [k, v.value])),
  );
  assert.equal(q.page.url(), url, 'the link is stable');
  await screenshot(q.page, 'view-breakdown-phone-dark');
  await q.page.click('#tab-answer');
  await q.page.waitForSelector('[data-view="answer"]');
  const b = await numbersOf(q.page);
  for (const k of Object.keys(a)) assert.equal(b[k]?.value, a[k].value, `${k} identical after the round-trip`);
  await screenshot(q.page, 'view-answer-phone-dark');
  await q.page.click('#tab-layout');
  await q.page.waitForSelector('[data-testid="sharding"]');
  await checkLayout(q.page, r);
  await screenshot(q.page, 'view-layout-phone-dark');
  // Wide tables scroll inside their card; the phone page itself never scrolls sideways.
  for (const v of ['answer', 'breakdown', 'layout']) {
    await q.page.click(`#tab-${v}`);
    const [sw, cw] = await q.page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.equal(sw, cw, `${v}: no horizontal page overflow on a phone`);
  }
  q.assertClean();
  await q.close();
  p.assertClean();
  await p.close();
});

test('bad inputs show a message next to the input and keep the last result', async (t) => {
  if (!hasEval()) return t.skip('this engine build has no evaluate()');
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  const before = await page.getAttribute('[data-testid="latency_s"]', 'data-value');
  const hash = await page.evaluate(() => location.hash);

  await page.fill('#batch', 'abc');
  await page.waitForFunction(() => document.getElementById('batch-error')?.textContent !== '');
  assert.equal(await page.textContent('#batch-error'), 'enter a whole number');
  assert.equal(await page.getAttribute('#batch', 'aria-invalid'), 'true');

  await page.fill('#batch', '0');
  await page.waitForFunction(() => /range/.test(document.getElementById('batch-error')?.textContent ?? ''));
  const sc = JSON.parse(await scenarioOf(page));
  sc.batch = 0;
  const expected = core.call(hasSearch() ? 'search' : 'evaluate', JSON.stringify(sc));
  assert.equal(expected.error.path, '/batch');
  assert.equal(await page.textContent('#batch-error'), expected.error.message);
  assert.equal(await page.getAttribute('[data-testid="latency_s"]', 'data-value'), before, 'last result kept');
  assert.equal(await page.evaluate(() => location.hash), hash, 'link keeps the last valid state');

  // Custom model: n_kv_heads must divide n_heads (GQA/MQA/MHA).
  await page.fill('#batch', '64');
  await page.selectOption('#model-preset', 'custom');
  for (const [id, v] of [
    ['m-n_layers', '24'],
    ['m-d_model', '2048'],
    ['m-d_ff', '8192'],
    ['m-n_heads', '16'],
    ['m-n_kv_heads', '3'],
    ['m-d_head', '128'],
    ['m-vocab_size', '32000'],
  ])
    await page.fill(`#${id}`, v);
  await page.waitForFunction(() => /divide/.test(document.getElementById('m-n_kv_heads-error')?.textContent ?? ''));
  await screenshot(page, 'input-error');
  await page.fill('#m-n_kv_heads', '4');
  await page.waitForFunction(() => document.getElementById('m-n_kv_heads-error')?.textContent === '');
  await settle(page);
  const text = await scenarioOf(page);
  assert.equal(JSON.parse(text).model.n_kv_heads, 4);
  const r = coreResult(text);
  assert.equal(await page.getAttribute('[data-testid="latency_s"]', 'data-value'), String(r.latency_s));
  p.assertClean();
  await p.close();
});

test('compare: two configurations side by side equal the core, differences marked', async (t) => {
  if (!hasEval()) return t.skip('this engine build has no evaluate()');
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.click('#tab-compare');
  await page.click('#pin');
  const pinnedText = await scenarioOf(page);
  await page.fill('#batch', '512');
  await settle(page);
  await page.waitForSelector('[data-testid="compare"]');
  const a = coreResult(await scenarioOf(page));
  const b = coreResult(pinnedText);
  const n = await numbersOf(page);
  for (const k of ['latency_s', 'latency_per_token_s', 'mfu', 'cost_chip_s_per_token', 'memory_per_chip_bytes']) {
    assertShownEquals(n[`cmp-a-${k}`].text, n[`cmp-a-${k}`].unit, n[`cmp-a-${k}`].value, a[k], `A ${k}`);
    assertShownEquals(n[`cmp-b-${k}`].text, n[`cmp-b-${k}`].unit, n[`cmp-b-${k}`].value, b[k], `B ${k}`);
  }
  const differs = await page.$$eval('[data-testid="compare"] tr[data-differs="true"] th', (e) => e.map((x) => x.textContent));
  assert.ok(
    differs.some((x) => x.startsWith('Batch')),
    'batch marked as different',
  );
  assert.match(await page.evaluate(() => location.hash), /&b=/);
  await screenshot(page, 'view-compare-desktop-light');
  await page.waitForFunction(() => location.hash.includes('&view=compare'));
  const url = page.url();
  const q = await openPage(browser);
  await q.page.goto(url);
  await waitReady(q.page);
  await q.page.waitForSelector('[data-testid="compare"]');
  const m = await numbersOf(q.page);
  for (const k of Object.keys(n)) assert.equal(m[k]?.value, n[k].value, `${k} identical in the shared compare link`);
  q.assertClean();
  await q.close();
  p.assertClean();
  await p.close();
});

/** The frontier request the page sends for the default scenario (its model, chip and workload). */
function frontierOf(text) {
  const sc = JSON.parse(text);
  const req = { schema_version: 1 };
  for (const k of ['model', 'hardware', 'input_tokens', 'generate_tokens', 'mode']) if (sc[k] !== undefined) req[k] = sc[k];
  req.detail = 'summary';
  const r = core.call('frontier', JSON.stringify(req));
  assert.equal(r.ok, true, JSON.stringify(r.error));
  return r;
}

test('frontier: points equal frontier(); clicking one loads its configuration, whose numbers equal the point', async (t) => {
  if (!hasFrontier()) return t.skip('this engine build has no frontier()');
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  const f = frontierOf(await scenarioOf(page));
  await page.click('#tab-frontier');
  await page.waitForSelector('[data-testid="frontier-decode-cost"] .pt', { timeout: 60000 });
  assert.match(await page.textContent('#status'), /Frontier computed/);
  await screenshot(page, 'view-frontier-desktop-light');
  // Every frontier point of each phase is drawn at the core's (latency, cost) and (latency, MFU).
  for (const phase of ['decode', 'prefill']) {
    const xKey = phase === 'decode' ? 'latency_per_token_s' : 'latency_s';
    for (const [chart, yKey] of [
      ['cost', 'cost_chip_s_per_token'],
      ['mfu', 'mfu'],
    ]) {
      const pts = await page.$$eval(`[data-testid="frontier-${phase}-${chart}"] .pt`, (e) =>
        e.map((x) => ({ key: x.getAttribute('data-key'), x: x.getAttribute('data-x'), y: x.getAttribute('data-y') })),
      );
      assert.equal(pts.length, f[phase].length, `${phase} ${chart}: one dot per frontier point`);
      for (const pt of pts) {
        const i = Number(pt.key.split('-')[1]);
        assert.equal(pt.x, String(f[phase][i][xKey]), `${phase} ${chart} point ${i} x`);
        assert.equal(pt.y, String(f[phase][i][yKey]), `${phase} ${chart} point ${i} y`);
      }
    }
    const n = await numbersOf(page);
    assert.equal(n[`frontier-${phase}-points`].value, String(f[phase].length));
    for (const k of ['combinations', 'plans_scored', 'infeasible', 'dominated'])
      assert.equal(n[`frontier-${phase}-${k}`].value, String(f.stats[phase][k]), `${phase} ${k}`);
  }
  // Click a decode point in the middle and a prefill point: the answer shows that point's numbers.
  for (const [phase, i] of [
    ['decode', Math.floor(f.decode.length / 2)],
    ['prefill', 0],
  ]) {
    if (phase === 'prefill') {
      await page.click('#tab-frontier');
      await page.waitForSelector('[data-testid="frontier-prefill-cost"] .pt');
    }
    const pt = f[phase][i];
    await page.click(`[data-testid="frontier-${phase}-cost"] .pt[data-key="${phase}-${i}"]`);
    await page.waitForFunction(
      (v) => document.querySelector('#results [data-testid="cost_chip_s_per_token"]')?.getAttribute('data-value') === v,
      String(pt.cost_chip_s_per_token),
    );
    await settle(page);
    const text = await scenarioOf(page);
    const sc = JSON.parse(text);
    assert.equal(sc.phase, phase);
    assert.equal(sc.batch, pt.batch);
    assert.equal(sc.weights, pt.weights);
    assert.deepEqual(sc.topology, pt.topology);
    const r = coreResult(text);
    const ev = core.call('evaluate', JSON.stringify(pt.scenario));
    const n = await numbersOf(page);
    for (const k of ['latency_s', 'latency_per_token_s', 'mfu', 'cost_chip_s_per_token']) {
      assert.equal(r[k], pt[k], `${phase} point ${i}: the loaded configuration's ${k} equals the point`);
      assert.equal(ev[k], pt[k], `${phase} point ${i}: evaluate(point.scenario).${k} equals the point`);
      // Prefill answers show the time to first token, not a per-token latency.
      if (phase === 'prefill' && k === 'latency_per_token_s') assert.equal(n[k], undefined);
      else assertShownEquals(n[k].text, n[k].unit, n[k].value, pt[k], `${phase} point ${i} ${k}`);
    }
  }
  // Back on the frontier, the loaded point is the ringed one.
  await page.click('#tab-frontier');
  await page.waitForSelector('[data-testid="frontier-prefill-cost"] [data-current="true"]');
  p.assertClean();
  await p.close();
});

test('layout: Run it can be cancelled; the worker is replaced and a new run answers', async (t) => {
  if (!hasEval() || typeof core.core.decode !== 'function') return t.skip('this engine build has no decode()');
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.click('#tab-layout');
  await page.waitForSelector('#run-it');
  await settle(page);
  // Deterministic, as for the frontier's Cancel: the click posts the decode and shows Cancel in the
  // same task; the worker's answer can only be handled after it, so Cancel hits a running decode.
  const seen = await page.evaluate(() => {
    document.getElementById('run-it').click();
    const b = document.getElementById('cancel-run-it');
    const running = document.getElementById('run-it')?.textContent ?? '';
    b?.click();
    return { cancel: b !== null, running };
  });
  assert.equal(seen.cancel, true, 'Cancel is shown while Run it runs');
  assert.equal(seen.running, 'Running…');
  await page.waitForSelector('[data-testid="run-it-error"]');
  assert.match(await page.textContent('[data-testid="run-it-error"]'), /^Cancelled: the worker running it was stopped/);
  assert.equal(await page.$('#cancel-run-it'), null, 'no Cancel once stopped');
  assert.equal(await page.$('[data-testid="run-it-collectives"]'), null, 'nothing shown from the cancelled run');
  // The fresh worker runs it to the end.
  await page.click('#run-it');
  await page.waitForSelector('[data-testid="run-it-collectives"]', { timeout: 60000 });
  assert.match(await page.textContent('[data-testid="run-it-tokens"]'), /identical to the unsharded decoder/);
  p.assertClean();
  await p.close();
});
test('frontier: Cancel stops the sweep and Compute restarts it', async (t) => {
  if (!hasFrontier()) return t.skip('this engine build has no frontier()');
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  // Deterministic: opening the tab starts the sweep and shows Cancel in the same task; the worker's
  // answer can only be handled after this task ends, so Cancel always hits a running sweep.
  const seen = await page.evaluate(() => {
    document.getElementById('tab-frontier').click();
    const b = document.getElementById('cancel-sweep');
    const progress = document.querySelector('[data-testid="frontier-progress"]')?.textContent ?? '';
    b?.click();
    return { cancel: b !== null, progress };
  });
  assert.equal(seen.cancel, true, 'the Cancel button is shown while the sweep runs');
  assert.match(seen.progress, /Sweeping/);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Frontier cancelled');
  assert.match(await page.textContent('[data-testid="frontier-progress"]'), /Not computed \(cancelled\)/);
  assert.equal(await page.$$eval('[data-testid="frontier-decode-cost"]', (e) => e.length), 0, 'no chart from the cancelled sweep');
  // Switching views does not restart a cancelled sweep; Compute does, on a fresh worker.
  await page.click('#tab-answer');
  await page.click('#tab-frontier');
  assert.match(await page.textContent('[data-testid="frontier-progress"]'), /Not computed \(cancelled\)/);
  await page.click('[data-testid="frontier-progress"] button');
  await page.waitForSelector('[data-testid="frontier-decode-cost"] .pt', { timeout: 60000 });
  const f = frontierOf(await scenarioOf(page));
  assert.equal(await page.$$eval('[data-testid="frontier-decode-cost"] .pt', (e) => e.length), f.decode.length, 'the restarted sweep equals frontier()');
  assert.match(await page.textContent('#status'), /Frontier computed/);
  p.assertClean();
  await p.close();
});

test('search: objective and latency budget; the answer and ranked candidates equal search()', async (t) => {
  if (!hasSearch()) return t.skip('this engine build has no search()');
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.fill('#chips', 'auto');
  await page.fill('#batch', 'auto');
  await page.selectOption('#weights', 'auto');
  await page.selectOption('#objective', 'min_cost');
  await page.fill('#max_latency_per_token_s', '0.03');
  await settle(page);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="candidates"] tbody tr').length > 1);
  await settle(page);
  const text = await scenarioOf(page);
  const sc = JSON.parse(text);
  assert.equal(sc.objective, 'min_cost');
  assert.equal(sc.chips, 'auto');
  assert.equal(sc.max_latency_per_token_s, 0.03);
  const s = core.call('search', text);
  assert.equal(s.ok, true, JSON.stringify(s.error));
  assert.ok(s.best.latency_per_token_s <= 0.03);
  const n = await numbersOf(page);
  for (const k of ['latency_s', 'latency_per_token_s', 'mfu', 'cost_chip_s_per_token', 'throughput_tokens_per_s'])
    assertShownEquals(n[k].text, n[k].unit, n[k].value, s.best[k], `best ${k}`);
  assert.equal(await page.textContent('[data-testid="objective"]'), 'lowest cost per token');
  for (const k of ['combinations', 'plans_scored', 'infeasible', 'over_latency_bound', 'dominated'])
    assert.equal(n[`search-${k}`].value, String(s.stats[k]), `stats ${k}`);
  assert.equal(n['search-candidates_total'].value, String(s.candidates_total));
  assert.equal(await page.$$eval('[data-testid="candidates"] tbody tr', (e) => e.length), s.candidates.length);
  s.candidates.forEach((c, i) => {
    for (const k of ['latency_s', 'latency_per_token_s', 'cost_chip_s_per_token', 'mfu', 'memory_per_chip_bytes'])
      assertShownEquals(n[`cand-${i}-${k}`].text, n[`cand-${i}-${k}`].unit, n[`cand-${i}-${k}`].value, c[k], `candidate ${i} ${k}`);
  });
  await screenshot(page, 'view-search-desktop-light');

  // Another objective changes the answer to that search's best.
  await page.selectOption('#objective', 'min_latency');
  await page.fill('#max_latency_per_token_s', '');
  await page.waitForFunction(() => document.querySelector('[data-testid="objective"]')?.textContent === 'lowest latency');
  await settle(page);
  const s2 = core.call('search', await scenarioOf(page));
  const n2 = await numbersOf(page);
  assert.equal(n2.latency_per_token_s.value, String(s2.best.latency_per_token_s));
  assert.ok(s2.best.latency_per_token_s <= s.best.latency_per_token_s);

  // An impossible budget: the core's "infeasible" message is shown, the last answer and link stay.
  const hash = await page.evaluate(() => location.hash);
  await page.fill('#max_latency_per_token_s', '1e-9');
  await page.waitForFunction(() => (document.getElementById('form-error')?.textContent ?? '') !== '');
  const bad = core.call('search', JSON.stringify({ ...JSON.parse(await scenarioOf(page)), max_latency_per_token_s: 1e-9 }));
  assert.equal(bad.ok, false);
  assert.equal(bad.error.code, 'infeasible');
  assert.equal(await page.textContent('#form-error'), bad.error.message);
  assert.equal(await page.getAttribute('[data-testid="latency_per_token_s"]', 'data-value'), String(s2.best.latency_per_token_s), 'last answer kept');
  assert.equal(await page.evaluate(() => location.hash), hash, 'link keeps the last valid state');
  await screenshot(page, 'view-search-infeasible');

  // A candidate loads its configuration.
  await page.fill('#max_latency_per_token_s', '');
  await settle(page);
  const s3 = core.call('search', await scenarioOf(page));
  const last = s3.candidates.length - 1;
  await page.click(`[data-candidate="${last}"]`);
  await page.waitForFunction(
    (v) => document.querySelector('#results [data-testid="latency_s"]')?.getAttribute('data-value') === v,
    String(s3.candidates[last].latency_s),
  );
  p.assertClean();
  await p.close();
});

test('max context per attention layout equals maxContext()', async (t) => {
  if (!hasMaxContext()) return t.skip('this engine build has no maxContext()');
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  for (const [chips, batch] of [
    [64, 64],
    [64, 512],
  ]) {
    await page.fill('#chips', String(chips));
    await page.fill('#batch', String(batch));
    await page.click('#tab-context');
    await page.waitForFunction((b) => document.querySelector('[data-testid="ctx-batch"]')?.getAttribute('data-value') === b, String(batch));
    await settle(page);
    const sc = JSON.parse(await scenarioOf(page));
    const best = coreResult(JSON.stringify(sc));
    // ESTI Table 1's budget by default: 30% of HBM for the KV cache.
    assert.equal(await page.inputValue('#kv-fraction'), '0.3');
    const m = core.call(
      'maxContext',
      JSON.stringify({ model: sc.model, hardware: sc.hardware, chips: best.chips, batch: best.batch, weights: best.weights, kv_memory_fraction: 0.3 }),
    );
    assert.equal(m.ok, true, JSON.stringify(m.error));
    const n = await numbersOf(page);
    assert.equal(n['ctx-chips'].value, String(m.chips));
    for (const k of ['weights_bytes_per_chip', 'kv_budget_bytes_per_chip']) assertShownEquals(n[`ctx-${k}`].text, 'bytes', n[`ctx-${k}`].value, m[k], k);
    assert.equal(await page.$$eval('[data-testid="max-context"] tbody tr', (e) => e.length), m.layouts.length);
    assert.deepEqual(m.layouts.map((l) => l.attention_sharding).sort(), ['batch', 'heads']);
    for (const l of m.layouts) {
      const a = l.attention_sharding;
      assertShownEquals(n[`ctx-${a}-max_context_tokens`].text, 'int', n[`ctx-${a}-max_context_tokens`].value, l.max_context_tokens, `${a} max context`);
      assertShownEquals(
        n[`ctx-${a}-kv_bytes_per_token_per_chip`].text,
        'bytes',
        n[`ctx-${a}-kv_bytes_per_token_per_chip`].value,
        l.kv_bytes_per_token_per_chip,
        `${a} KV bytes per token`,
      );
    }
    if (batch === 64) await screenshot(page, 'view-context-desktop-light');
  }
  // All free HBM instead: the core's default budget.
  await page.selectOption('#kv-fraction', 'free');
  const sc = JSON.parse(await scenarioOf(page));
  const best = coreResult(JSON.stringify(sc));
  const free = core.call('maxContext', JSON.stringify({ model: sc.model, hardware: sc.hardware, chips: best.chips, batch: best.batch, weights: best.weights }));
  await page.waitForFunction(
    (v) => document.querySelector('[data-testid="ctx-kv_budget_bytes_per_chip"]')?.getAttribute('data-value') === v,
    String(free.kv_budget_bytes_per_chip),
  );
  p.assertClean();
  await p.close();
});

test('the built site works from a sub-path', async () => {
  const sub = await startServer({ base: '/esti/' });
  try {
    const p = await openPage(browser);
    await p.page.goto(sub.url);
    await waitReady(p.page);
    assert.match(p.page.url(), /\/esti\/#v=1&s=/);
    p.assertClean();
    await p.close();
  } finally {
    await sub.stop();
  }
});

test('keyboard: tabs switch with arrow keys, views are reachable', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.focus('#tab-answer');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-breakdown');
  assert.equal(await page.getAttribute('#tab-breakdown', 'aria-selected'), 'true');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-paper');
  p.assertClean();
  await p.close();
});

// Results arrive asynchronously and re-render the panel. A click on a tab must land even when a
// re-render happens between its mousedown and mouseup: leaving an edited input fires "change",
// which recomputes at exactly that moment (this once dropped the click in the Copy link test).
test('tabs: a click survives a re-render between mousedown and mouseup', async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  const box = await page.locator('#tab-layout').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.evaluate(() => {
    const batch = document.getElementById('batch');
    batch.value = '32';
    batch.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() => document.querySelector('#results [data-testid="config"]')?.textContent?.includes('batch 32'));
  await page.mouse.up();
  assert.equal(await page.getAttribute('#tab-layout', 'aria-selected'), 'true', 'the held tab is selected on release');
  await page.waitForFunction(() => location.hash.endsWith('&view=layout'));
  p.assertClean();
  await p.close();
});

test('layout "Run it": the chosen layout runs on the in-process mesh; its collectives equal decode()', async (t) => {
  if (!hasEval() || typeof core.core.decode !== 'function') return t.skip('this engine build has no decode()');
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await page.click('#tab-layout');
  await page.waitForSelector('[data-view="run-it"]');
  await settle(page);
  const best = coreResult(await scenarioOf(page));
  await page.click('#run-it');
  await page.waitForSelector('[data-testid="run-it-collectives"]', { timeout: 60000 });
  assert.match(await page.textContent('[data-testid="run-it-tokens"]'), /identical to the unsharded decoder/);
  // The same request through the node-side core: every listed collective, with equal numbers.
  const mesh = ['x', 'y', 'z'].map((k) => Math.min(best.role_sizes[k], 2)).join('x');
  const r = core.call(
    'decode',
    JSON.stringify({
      model: { n_layers: 2, d_model: 64, d_ff: 256, n_heads: 8, n_kv_heads: 1, d_head: 8, vocab_size: 128 },
      prompt: [1, 2, 3],
      tokens: 3,
      batch: 8,
      hashes: false,
      mesh,
      ffn_layout: best.ffn_layout,
      attention_sharding: best.attention_sharding,
    }),
  );
  assert.equal(r.ok, true, JSON.stringify(r.error));
  const rows = await page.$$eval('[data-testid="run-it-collectives"] tbody tr', (e) => e.map((tr) => tr.getAttribute('data-collective')));
  assert.deepEqual(
    rows,
    r.collectives.map((c) => `${c.phase}:${c.name}:${c.axes}`),
  );
  const n = await numbersOf(page);
  r.collectives.forEach((c, i) => {
    assert.equal(n[`run-${i}-bytes_measured`].value, String(c.bytes_measured), c.name);
    assert.equal(n[`run-${i}-bytes_model`].value, String(c.bytes_model), c.name);
    assert.equal(c.in_cost_model, true, `${c.name} is a term of the cost model`);
    assert.equal(c.match, true, `${c.name} bytes equal the cost model's`);
  });
  await screenshot(page, 'view-layout-run-it');
  p.assertClean();
  await p.close();
});
