// Put next to the compiled worker as wasm/esti_core.mjs by worker.test.mjs, where the page's build
// has the module itself: it loads the real module (web/src/wasm) with its bytes, as node has no
// fetch of the .wasm file, and gives the worker that very instance. On the test's command, sent on
// a port of its own, it exhausts the instance's heap at the real 2 GiB cap with the module's own
// malloc (as memory.test.mjs does); the worker's code is not changed.
import { workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';

const { default: createReal } = await import(workerData.module);

export default async function createEstiCore() {
  const core = await createReal({ wasmBinary: await readFile(new URL(workerData.wasm)) });
  const held = [];
  workerData.control?.on('message', (command) => {
    if (command !== 'exhaust-heap') return;
    for (const size of [64 << 20, 1 << 20, 64 << 10, 1024, 64, 16, 8]) {
      for (let p = core._malloc(size); p !== 0; p = core._malloc(size)) held.push(p);
    }
    workerData.control.postMessage({ heap_bytes: core.HEAP8.buffer.byteLength, blocks: held.length });
  });
  return core;
}
