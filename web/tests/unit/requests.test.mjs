// The page's one latest-wins request helper (web/src/requests.ts): a newer request on a channel
// supersedes an older one's answer even when the older answer arrives last; other channels are
// independent; errors pass through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestRequests, SUPERSEDED } from '../../../build/web-unit/requests.js';

/** A worker whose answers the test releases in any order. */
function manualWorker() {
  const waiting = [];
  return {
    waiting,
    call(fn, arg) {
      return new Promise((resolve, reject) => waiting.push({ fn, arg, resolve, reject }));
    },
  };
}

test('the newer request wins even when the older answer arrives last', async () => {
  const w = manualWorker();
  const req = new LatestRequests({ quick: w, sweep: w });
  const older = req.request('scenario', 'evaluate', 'a');
  const newer = req.request('scenario', 'evaluate', 'b');
  w.waiting[1].resolve('answer b');
  w.waiting[0].resolve('answer a');
  assert.equal(await newer, 'answer b');
  assert.equal(await older, SUPERSEDED);
});

test('a multi-call ticket is dropped at its first answer after being superseded', async () => {
  const w = manualWorker();
  const req = new LatestRequests({ quick: w, sweep: w });
  const t = req.begin('scenario');
  const first = t.call('search', 'x');
  w.waiting[0].resolve('1');
  assert.equal(await first, '1');
  assert.equal(t.current, true);
  const second = t.call('describeModel', 'y');
  req.begin('scenario');
  assert.equal(t.current, false);
  w.waiting[1].resolve('2');
  assert.equal(await second, SUPERSEDED);
});

test('channels are independent and the sweep worker is used when asked', async () => {
  const quick = manualWorker();
  const sweep = manualWorker();
  const req = new LatestRequests({ quick, sweep });
  const f = req.request('frontier', 'frontier', 'f', 'sweep');
  const s = req.request('scenario', 'evaluate', 's');
  assert.equal(quick.waiting.length, 1);
  assert.equal(sweep.waiting.length, 1);
  sweep.waiting[0].resolve('F');
  quick.waiting[0].resolve('S');
  assert.equal(await f, 'F');
  assert.equal(await s, 'S');
});

test('a rejection (cancel, crash) reaches the caller', async () => {
  const w = manualWorker();
  const req = new LatestRequests({ quick: w, sweep: w });
  const p = req.request('frontier', 'frontier', 'f', 'sweep');
  w.waiting[0].reject(new Error('cancelled'));
  await assert.rejects(p, /cancelled/);
});
