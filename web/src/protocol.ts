// Messages between the page and the worker that owns the wasm module. Every core function takes
// JSON text and returns JSON text, so the protocol carries strings only: no structured data from a
// link or from the core is ever merged into page objects on the way.

/** The core functions the page may call (names as exported by wasm/bindings.cpp). */
export const CORE_FUNCTIONS = [
  'engineVersion',
  'listPresets',
  'schema',
  'getPreset',
  'describeModel',
  'modelFromHf',
  'evaluate',
  'search',
  'frontier',
  'maxContext',
  'calibrate',
  'reproduce',
  'decode',
  'decodeLink',
] as const;
export type CoreFunction = (typeof CORE_FUNCTIONS)[number];

export interface CallRequest {
  id: number;
  fn: CoreFunction;
  arg: string;
}

export type WorkerMessage =
  | { type: 'ready'; engine_version: string; functions: CoreFunction[] }
  | { type: 'load-error'; message: string }
  | { type: 'result'; id: number; text: string; elapsed_ms: number }
  | { type: 'call-error'; id: number; message: string };
