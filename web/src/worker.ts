// The only code that touches the wasm module. A long call (a sweep) is cancelled by the page
// terminating this worker and starting a new one (see core-client.ts). An argument the module must
// not be given (not text, or over the core's own size limit) is answered here without calling it.
import createEstiCore, { type EstiCoreModule } from './wasm/esti_core.mjs';
import {
  CORE_FUNCTIONS,
  NO_ARGUMENT_FUNCTIONS,
  readArgumentLimits,
  refuseArgument,
  type ArgumentLimits,
  type CallRequest,
  type CoreFunction,
  type WorkerMessage,
} from './protocol.ts';

const post = (m: WorkerMessage): void => self.postMessage(m);

/** The module and the argument limits read from its schema before any call. */
let engine: { core: EstiCoreModule; limits: ArgumentLimits } | null = null;
const queue: CallRequest[] = [];

let dead: string | null = null;

function run({ core, limits }: { core: EstiCoreModule; limits: ArgumentLimits }, req: CallRequest): void {
  if (dead !== null) {
    post({ type: 'call-error', id: req.id, message: `engine instance is dead: ${dead}` });
    return;
  }
  const fn = (core as unknown as Record<string, unknown>)[req.fn];
  if (typeof fn !== 'function') {
    post({ type: 'call-error', id: req.id, message: `this engine build has no ${req.fn}()` });
    return;
  }
  // Checked before Embind copies the argument into the heap (SECURITY.md); `arg` is whatever was
  // posted, so its type is checked too.
  const refusal = refuseArgument(req.fn, req.arg as unknown, limits);
  if (refusal !== null) {
    post({ type: 'result', id: req.id, text: refusal, elapsed_ms: 0 });
    return;
  }
  const t0 = performance.now();
  try {
    const text = NO_ARGUMENT_FUNCTIONS.has(req.fn) ? (fn as () => string).call(core) : (fn as (s: string) => string).call(core, req.arg);
    post({ type: 'result', id: req.id, text: String(text), elapsed_ms: performance.now() - t0 });
  } catch (e) {
    // The core promises never to throw; a trap (e.g. out of memory) still must not go unseen. The
    // instance is dead from here on: the page replaces this worker (core-client.ts), and any call
    // that still arrives is refused rather than run on corrupt memory.
    // A trap is a WebAssembly.RuntimeError; a C++ exception thrown out of the module (one Embind
    // raised copying an argument, outside esti's guard) is a WebAssembly.Exception, not an Error.
    dead =
      e instanceof Error
        ? `${e.name}: ${e.message}`
        : e instanceof WebAssembly.Exception
          ? 'a C++ exception thrown out of the module'
          : `an unexpected value thrown out of the module: ${String(e)}`;
    post({ type: 'call-error', id: req.id, message: dead });
  }
}

self.onmessage = (ev: MessageEvent<CallRequest>) => {
  if (engine) run(engine, ev.data);
  else queue.push(ev.data);
};

createEstiCore()
  .then((m) => {
    // No argument is copied for schema(); a build that does not publish the limits is not used.
    const ready = { core: m, limits: readArgumentLimits(m.schema()) };
    engine = ready;
    const table = m as unknown as Record<string, unknown>;
    const functions = CORE_FUNCTIONS.filter((f: CoreFunction) => typeof table[f] === 'function');
    post({ type: 'ready', engine_version: m.engineVersion(), functions });
    for (const req of queue.splice(0)) run(ready, req);
  })
  .catch((e: unknown) => {
    post({ type: 'load-error', message: e instanceof Error ? e.message : String(e) });
  });
