// Issue 12 item 4 in the browser: an engine instance that failed is never reused. The page's worker
// offers no way to make its module fail (and none may ship), so this test reaches into the running
// worker from outside, with Chromium's debugger (CDP): it pauses the worker when the page's next
// call arrives, finds the module among the worker's own variables (the object holding `core` with
// the module's `_malloc`), and exhausts that instance's heap at the 2 GiB cap with its own malloc
// (as web/tests/node/memory.test.mjs does). The call then fails inside the real module (Embind's
// copy of the argument cannot be allocated; SECURITY.md), the page must say a fresh engine was
// started, and the same inputs must then show the same numbers as before the failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, readNumbers, settle, setUpSuite, waitReady } from './harness.mjs';

let server, browser;
setUpSuite((s) => ({ server, browser } = s));

const MAX_MEMORY = 2 ** 31; // -sMAXIMUM_MEMORY=2GB (wasm/CMakeLists.txt)

/** Chromium's debugger in the page's workers, through the page's CDP session (Target domain,
 *  sessions not flattened, so that Playwright's own sessions are left alone). */
async function workerDebugger(page) {
  const cdp = await page.context().newCDPSession(page);
  const sessions = [];
  const detached = new Set();
  const replies = new Map();
  let nextId = 1;
  let onPaused = () => undefined;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') sessions.push(e.sessionId);
  });
  cdp.on('Target.detachedFromTarget', (e) => detached.add(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    if (m.id !== undefined && replies.has(m.id)) replies.get(m.id)(m);
    if (m.method === 'Debugger.paused') onPaused(e.sessionId, m.params);
  });
  const send = (sessionId, method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 10000);
      replies.set(id, (m) => {
        clearTimeout(timer);
        replies.delete(id);
        if (m.error) reject(new Error(`${method}: ${JSON.stringify(m.error)}`));
        else resolve(m.result);
      });
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return {
    /** Every worker seen, in the order they appeared, and those that have gone. */
    sessions,
    detached,
    send,
    /** Pauses every worker at the next code it runs; `paused` resolves with the first pause. */
    async pauseNext() {
      const paused = new Promise((resolve) => (onPaused = (sessionId, params) => resolve({ sessionId, params })));
      for (const s of sessions) {
        await send(s, 'Debugger.enable');
        await send(s, 'Debugger.pause');
      }
      return { paused };
    },
    /** Lets the paused workers run on, no longer debugged. */
    async release() {
      for (const s of sessions) await send(s, 'Debugger.disable');
    },
    close: () => cdp.detach(),
  };
}

// Runs in the paused worker on a scope object: finds the module, fills its heap to the cap.
const EXHAUST_HEAP = `function () {
  for (const name of Object.getOwnPropertyNames(this)) {
    const v = this[name];
    const m = v && typeof v === 'object' && v.core && typeof v.core._malloc === 'function' ? v.core : null;
    if (!m) continue;
    let blocks = 0;
    for (const size of [64 << 20, 1 << 20, 64 << 10, 1024, 64, 16, 8]) for (let p = m._malloc(size); p !== 0; p = m._malloc(size)) blocks++;
    return { heap_bytes: m.HEAP8.buffer.byteLength, blocks };
  }
  return null;
}`;

test('a failed engine instance is replaced: the page says so and then shows the same numbers', { timeout: 120000 }, async () => {
  const p = await openPage(browser);
  const { page } = p;
  await page.goto(server.url);
  await waitReady(page);
  await settle(page);
  const before = await readNumbers(page);
  assert.ok(before.length > 10, 'the answer view shows numbers');
  const batch = await page.inputValue('#batch');

  const dbg = await workerDebugger(page);
  for (let i = 0; i < 100 && dbg.sessions.length < 2; i++) await page.waitForTimeout(20); // attach events
  assert.equal(dbg.sessions.length, 2, 'the quick and the sweep worker');
  const { paused } = await dbg.pauseNext();
  await page.fill('#batch', String(2 * Number(batch))); // the page's next call pauses its worker
  const { sessionId, params } = await paused;
  let exhausted = null;
  for (const scope of params.callFrames[0].scopeChain) {
    if (scope.type === 'global' || exhausted) continue;
    const r = await dbg.send(sessionId, 'Runtime.callFunctionOn', { objectId: scope.object.objectId, functionDeclaration: EXHAUST_HEAP, returnByValue: true });
    exhausted = r.result.value;
  }
  assert.ok(
    exhausted,
    `the worker holds the module: ${JSON.stringify(params.callFrames.map((f) => [f.functionName, f.url, f.scopeChain.map((c) => c.type)]))} ${params.reason}`,
  );
  assert.equal(exhausted.heap_bytes, MAX_MEMORY, 'its heap reached the cap');
  await dbg.release(); // the paused call now runs on the exhausted instance

  await page.waitForFunction(() => /stopped/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 20000 });
  assert.match(await page.textContent('#status'), /^the calculation engine stopped \(.+\); a fresh engine was started, try again$/);
  assert.doesNotMatch(await page.textContent('#status'), /\[object /, 'the status names what failed in words');
  assert.equal(await page.getAttribute('#status', 'data-kind'), 'error');
  // The failed worker is gone and a third one, the fresh engine, has started.
  for (let i = 0; i < 100 && !(dbg.detached.has(sessionId) && dbg.sessions.length === 3); i++) await page.waitForTimeout(20);
  assert.ok(dbg.detached.has(sessionId), 'the failed worker was terminated');
  assert.equal(dbg.sessions.length, 3, 'a fresh worker was started');
  await dbg.close();

  // The same inputs as before, on the fresh engine: the same numbers, byte for byte.
  await page.fill('#batch', batch);
  await settle(page);
  await page.waitForFunction(() => /^Computed/.test(document.getElementById('status')?.textContent ?? ''));
  assert.deepEqual(await readNumbers(page), before);
  p.assertClean();
  await p.close();
});
