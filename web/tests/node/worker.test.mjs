// The page's worker (web/src/worker.ts) and its client (web/src/core-client.ts), compiled as the
// page ships them, driving the real wasm module (web/src/wasm) in a real worker thread.
//
// 1. A trap of the real module (issue 12 item 4: a trapped instance is never reused). The test
//    exhausts the instance's heap at the real 2 GiB cap (-sMAXIMUM_MEMORY=2GB, wasm/CMakeLists.txt)
//    with the module's own malloc, then sends a valid request within the core's size limit. Embind's
//    malloc for the argument's copy fails and it writes the argument from address 0 over the
//    module's own data (SECURITY.md), and the call traps (a WebAssembly.RuntimeError). The client
//    must answer that call with its coded error, start a fresh instance, and the next calls must
//    answer byte for byte what they answered before.
// 2. The worker refuses an argument over the core's published limit (api::Schema "limits") or one
//    that is not text, in the core's error shape, without calling the module: with the heap
//    exhausted as above a call would fail, so an answer (and no restart) shows the module was not
//    called.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';

const WEB = fileURLToPath(new URL('../..', import.meta.url));
const OUT = new URL('../../../build/web-node/', import.meta.url);
const MODULE = new URL('../../src/wasm/esti_core.mjs', import.meta.url);
const WASM = new URL('../../src/wasm/esti_core.wasm', import.meta.url);
const MAX_MEMORY = 2 ** 31; // -sMAXIMUM_MEMORY=2GB

const SMALL = '{"model":"tiny","chips":8,"phase":"decode","batch":1,"input_tokens":8,"generate_tokens":4}';

let CoreClient, CoreCrashError, direct;

before(async () => {
  // The worker, its protocol and the client, compiled as the unit tests compile them (~2 s), into
  // a folder of their own; the module is reached through the stand-in next to the worker.
  rmSync(OUT, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.unit.json', '--outDir', fileURLToPath(OUT)], {
    cwd: WEB,
    stdio: 'inherit',
  });
  assert.equal(tsc.status, 0, 'tsc');
  mkdirSync(new URL('wasm/', OUT));
  copyFileSync(new URL('esti-core-in-node.mjs', import.meta.url), new URL('wasm/esti_core.mjs', OUT));
  ({ CoreClient, CoreCrashError } = await import(new URL('core-client.js', OUT)));
  const { default: createEstiCore } = await import(MODULE);
  direct = await createEstiCore({ wasmBinary: await readFile(WASM) });
});

/** A node worker thread running the compiled worker, seen through the Web Worker interface the
 *  client uses (onmessage / onerror / postMessage / terminate). */
class ThreadWorker {
  constructor(control) {
    const workerData = { worker: new URL('worker.js', OUT).href, module: MODULE.href, wasm: WASM.href, control };
    this.terminated = false;
    this.thread = new Worker(new URL('worker-host.mjs', import.meta.url), { workerData, transferList: control ? [control] : [] });
    this.thread.on('message', (data) => this.onmessage?.({ data }));
    this.thread.on('error', (e) => this.onerror?.({ message: String(e), preventDefault() {} }));
  }
  postMessage(message) {
    this.thread.postMessage(message);
  }
  terminate() {
    this.terminated = true;
    void this.thread.terminate();
  }
}

/** A client whose first worker takes commands on a port of the test's (later ones do not). */
function clientWithControl() {
  const { port1, port2 } = new MessageChannel();
  const workers = [];
  const client = new CoreClient(() => {
    const w = new ThreadWorker(workers.length === 0 ? port2 : undefined);
    workers.push(w);
    return w;
  });
  const exhaustHeap = () =>
    new Promise((resolve) => {
      port1.once('message', resolve);
      port1.postMessage('exhaust-heap');
    });
  const close = () => {
    port1.close();
    for (const w of workers) if (!w.terminated) w.terminate();
  };
  return { client, workers, exhaustHeap, close };
}

const limits = () => JSON.parse(direct.schema()).limits;
/** A valid request of `bytes` bytes: SMALL and spaces, which the core reads as SMALL. */
const padded = (bytes) => SMALL + ' '.repeat(bytes - SMALL.length);

test('a trap of the real module fails the call with engine_crashed; a fresh instance answers the same bytes', async () => {
  const { client, workers, exhaustHeap, close } = clientWithControl();
  try {
    await client.ready();
    const large = padded(1_000_000);
    assert.ok(large.length <= limits().json_bytes, 'within the core limit: the worker passes it on');
    const before = await client.call('evaluate', SMALL);
    assert.equal(JSON.parse(before).ok, true);
    assert.equal(await client.call('evaluate', large), before);

    const heap = await exhaustHeap();
    assert.equal(heap.heap_bytes, MAX_MEMORY, 'the heap reached the cap');
    await assert.rejects(client.call('evaluate', large), (e) => {
      assert.ok(e instanceof CoreCrashError, String(e));
      assert.equal(e.code, 'engine_crashed');
      assert.match(e.message, /RuntimeError: .*fresh engine was started/);
      return true;
    });
    assert.equal(client.restarts, 1);
    assert.equal(workers.length, 2, 'a fresh worker and instance');
    assert.equal(workers[0].terminated, true, 'the trapped one was terminated');
    assert.equal(await client.call('evaluate', large), before);
    assert.equal(await client.call('evaluate', SMALL), before);
    assert.equal(client.restarts, 1);
  } finally {
    close();
  }
});

test('arguments over the published limits, or not text, are answered by the worker without calling the module', async (t) => {
  const { json_bytes, share_link_chars } = limits();
  const { client, exhaustHeap, close } = clientWithControl();
  try {
    await client.ready();
    assert.equal((await exhaustHeap()).heap_bytes, MAX_MEMORY);
    // The core's own answer to the same inputs, from an instance with room to read them.
    const cases = [
      ['evaluate', 'x'.repeat(json_bytes + 1)],
      ['frontier', padded(json_bytes + 1)],
      ['decodeLink', 'v'.repeat(share_link_chars + 1)],
    ];
    for (const [fn, arg] of cases) {
      const answer = JSON.parse(await client.call(fn, arg));
      const own = JSON.parse(direct[fn](arg));
      assert.equal(answer.ok, false, fn);
      assert.equal(answer.error.code, 'too_large', fn);
      assert.equal(own.error.code, 'too_large', fn);
      assert.equal(answer.error.path, own.error.path, fn);
      assert.equal(answer.schema_version, own.schema_version, fn);
      assert.deepEqual(Object.keys(answer), Object.keys(own), fn);
    }
    // Far past the limit: refused on its length, before it is scanned (16 MiB here; Embind would
    // copy it whole).
    const huge = 'x'.repeat(16 << 20);
    const t0 = performance.now();
    assert.equal(JSON.parse(await client.call('evaluate', huge)).error.code, 'too_large');
    const hugeMs = performance.now() - t0;
    // Embind takes byte arrays of any size for a std::string; the worker takes text only.
    const bytes = JSON.parse(await client.call('evaluate', new TextEncoder().encode(SMALL)));
    assert.equal(bytes.error.code, 'type_error');
    assert.equal(client.restarts, 0, 'no refusal reached the module');
    // The same instance does fail on a request within the limits: the refusals were not luck.
    await assert.rejects(client.call('evaluate', padded(1_000_000)), CoreCrashError);
    assert.equal(client.restarts, 1);
    t.diagnostic(`a ${huge.length}-byte argument refused in ${hugeMs.toFixed(0)} ms, posting it to the worker included`);
  } finally {
    close();
  }
});
