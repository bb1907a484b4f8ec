// Issue 12 item 4: a wasm instance that trapped is never reused. The client (core-client.ts) must
// replace the worker on a call error and reject with a message saying so; later calls go to the
// fresh worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreClient, CoreCrashError } from '../../../build/web-unit/core-client.js';

class FakeWorker {
  static made = [];
  constructor() {
    this.terminated = false;
    this.posted = [];
    FakeWorker.made.push(this);
    queueMicrotask(() => this.onmessage?.({ data: { type: 'ready', engine_version: 'test', functions: ['evaluate'] } }));
  }
  postMessage(req) {
    this.posted.push(req);
    queueMicrotask(() => {
      if (this.terminated) return;
      if (req.arg === 'trap') this.onmessage?.({ data: { type: 'call-error', id: req.id, message: 'RuntimeError: unreachable' } });
      else this.onmessage?.({ data: { type: 'result', id: req.id, text: `answer to ${req.arg}`, elapsed_ms: 1 } });
    });
  }
  terminate() {
    this.terminated = true;
  }
}

test('a trap replaces the worker; the next call runs on the fresh one', async () => {
  const client = new CoreClient(() => new FakeWorker());
  await client.ready();
  assert.equal(await client.call('evaluate', 'a'), 'answer to a');
  await assert.rejects(client.call('evaluate', 'trap'), (e) => {
    assert.ok(e instanceof CoreCrashError);
    assert.match(e.message, /RuntimeError: unreachable.*fresh engine was started/);
    return true;
  });
  assert.equal(FakeWorker.made.length, 2, 'a new worker was made');
  assert.equal(FakeWorker.made[0].terminated, true, 'the trapped one was terminated');
  assert.equal(client.restarts, 1);
  assert.equal(await client.call('evaluate', 'b'), 'answer to b');
  assert.equal(FakeWorker.made[0].posted.length, 2, 'nothing more went to the dead instance');
  assert.equal(FakeWorker.made[1].posted.length, 1);
});
