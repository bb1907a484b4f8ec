// Types of the Embind module built from wasm/bindings.cpp (emscripten 3.1.6 has no --emit-tsd).
// Every function takes and returns JSON text; see core/include/esti/api.h.
export interface EstiCoreModule {
  engineVersion(): string;
  listPresets(): string;
  getPreset(request: string): string;
  describeModel(request: string): string;
}

export interface EstiCoreOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
}

export default function createEstiCore(options?: EstiCoreOptions): Promise<EstiCoreModule>;
