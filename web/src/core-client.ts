// Page side of the worker protocol: promise-based calls, cancellation by terminate + restart,
// and a load error surfaced instead of a silent hang.
import type { CoreFunction, WorkerMessage } from './protocol.ts';

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/**
 * The wasm instance trapped (out of memory, an abort): its memory may be corrupt, so it is never
 * used again. The worker is replaced by a fresh one and the message says so (issue 12 item 4).
 */
export class CoreCrashError extends Error {
  /** A code for the page and tests, like the core's error codes; this one is the page's own (the
   *  core itself never answers it: its instance is the one that failed). */
  readonly code = 'engine_crashed';
  constructor(detail: string) {
    super(`the calculation engine stopped (${detail}); a fresh engine was started, try again`);
    this.name = 'CoreCrashError';
  }
}

export class CoreLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CoreLoadError';
  }
}

interface Pending {
  resolve: (text: string) => void;
  reject: (e: Error) => void;
}

export interface CoreInfo {
  engine_version: string;
  functions: ReadonlySet<CoreFunction>;
}

export class CoreClient {
  private worker!: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private readyPromise!: Promise<CoreInfo>;
  /** Last call's time inside the worker, for the status line. */
  lastElapsedMs = 0;

  constructor(private readonly makeWorker: () => Worker) {
    this.start();
  }

  private start(): void {
    const worker = this.makeWorker();
    this.worker = worker;
    this.readyPromise = new Promise<CoreInfo>((resolve, reject) => {
      worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
        const m = ev.data;
        switch (m.type) {
          case 'ready':
            resolve({ engine_version: m.engine_version, functions: new Set(m.functions) });
            break;
          case 'load-error':
            reject(new CoreLoadError(m.message));
            this.failAll(new CoreLoadError(m.message));
            break;
          case 'result': {
            const p = this.pending.get(m.id);
            this.pending.delete(m.id);
            this.lastElapsedMs = m.elapsed_ms;
            p?.resolve(m.text);
            break;
          }
          case 'call-error': {
            // The core never throws: an exception out of a call is a trap. Replace the instance.
            this.replaceAfterCrash(new CoreCrashError(m.message));
            break;
          }
        }
      };
      worker.onerror = (ev: ErrorEvent) => {
        ev.preventDefault();
        const err = new CoreLoadError(ev.message || 'the calculation worker failed to start');
        reject(err);
        this.failAll(err);
      };
    });
    // Avoid an unhandled rejection when nobody awaits ready() before a load error.
    this.readyPromise.catch(() => undefined);
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  ready(): Promise<CoreInfo> {
    return this.readyPromise;
  }

  /** Calls a core function with JSON text; resolves with the core's JSON text. */
  call(fn: CoreFunction, arg = ''): Promise<string> {
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, fn, arg });
    });
  }

  /** True while a call is outstanding. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Number of times a trapped engine was replaced (shown by the page, checked by tests). */
  restarts = 0;

  private replaceAfterCrash(e: CoreCrashError): void {
    this.worker.terminate();
    this.failAll(e);
    this.restarts++;
    this.start();
  }

  /** Stops whatever the worker is doing: terminate it, reject pending calls, start afresh. */
  cancel(): void {
    this.worker.terminate();
    this.failAll(new CancelledError());
    this.start();
  }
}
