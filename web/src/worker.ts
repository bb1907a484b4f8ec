// The only code that touches the wasm module. A long call (a sweep) is cancelled by the page
// terminating this worker and starting a new one (see core-client.ts).
import createEstiCore, { type EstiCoreModule } from './wasm/esti_core.mjs';
import { CORE_FUNCTIONS, type CallRequest, type CoreFunction, type WorkerMessage } from './protocol.ts';

const post = (m: WorkerMessage): void => self.postMessage(m);

let core: EstiCoreModule | null = null;
const queue: CallRequest[] = [];

let dead: string | null = null;

function run(req: CallRequest): void {
  if (dead !== null) {
    post({ type: 'call-error', id: req.id, message: `engine instance is dead: ${dead}` });
    return;
  }
  const fn = (core as unknown as Record<string, unknown>)[req.fn];
  if (typeof fn !== 'function') {
    post({ type: 'call-error', id: req.id, message: `this engine build has no ${req.fn}()` });
    return;
  }
  const t0 = performance.now();
  try {
    const text =
      req.fn === 'engineVersion' || req.fn === 'listPresets' || req.fn === 'schema'
        ? (fn as () => string).call(core)
        : (fn as (s: string) => string).call(core, req.arg);
    post({ type: 'result', id: req.id, text: String(text), elapsed_ms: performance.now() - t0 });
  } catch (e) {
    // The core promises never to throw; a trap (e.g. out of memory) still must not go unseen. The
    // instance is dead from here on: the page replaces this worker (core-client.ts), and any call
    // that still arrives is refused rather than run on corrupt memory.
    dead = e instanceof Error ? e.message : String(e);
    post({ type: 'call-error', id: req.id, message: dead });
  }
}

self.onmessage = (ev: MessageEvent<CallRequest>) => {
  if (core) run(ev.data);
  else queue.push(ev.data);
};

createEstiCore()
  .then((m) => {
    core = m;
    const table = m as unknown as Record<string, unknown>;
    const functions = CORE_FUNCTIONS.filter((f: CoreFunction) => typeof table[f] === 'function');
    post({ type: 'ready', engine_version: m.engineVersion(), functions });
    for (const req of queue.splice(0)) run(req);
  })
  .catch((e: unknown) => {
    post({ type: 'load-error', message: e instanceof Error ? e.message : String(e) });
  });
