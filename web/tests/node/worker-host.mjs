// Entry of a node worker thread that runs the page's own worker (web/src/worker.ts, compiled by
// worker.test.mjs): `self`, the Web Worker global the worker posts to and listens on, is made of
// this thread's port. Nothing else of the worker is replaced.
import { parentPort, workerData } from 'node:worker_threads';

globalThis.self = {
  postMessage: (message) => parentPort.postMessage(message),
  set onmessage(handler) {
    parentPort.on('message', (data) => handler({ data }));
  },
};
await import(workerData.worker);
