// Types of the Embind module built from wasm/bindings.cpp (emscripten 3.1.6 has no --emit-tsd).
// Every function takes and returns JSON text; see core/include/esti/api.h.
export interface EstiCoreModule {
  engineVersion(): string;
  listPresets(): string;
  /** The input documents' fields, presets and limits (api.h Schema); src/core-types.ts is generated from it. */
  schema(): string;
  getPreset(request: string): string;
  describeModel(request: string): string;
  /** {config: Hugging Face config.json, id?, name?} -> {model, architecture, unmapped, ignored, notes, params} (api.h ModelFromHf); MoE -> error "unsupported". */
  modelFromHf(request: string): string;
  /** A scenario -> its cost (api.h Evaluate). */
  evaluate(request: string): string;
  /** A scenario with lists/"auto" + objective -> {best, candidates, candidates_total, stats}. */
  search(request: string): string;
  /** A scenario (phase optional) -> {prefill: [...], decode: [...], stats} Pareto points. */
  frontier(request: string): string;
  /** {model, hardware?, chips, batch, weights?, kv_memory_fraction?} -> {layouts: [{attention_sharding, max_context_tokens, ...}]}. */
  maxContext(request: string): string;
  /** {data: measurement file | preset id | list, fit?, cross_validate?, fixed?} -> fitted calibration, residuals, cross-validation. */
  calibrate(request: string): string;
  /** {} -> {rows: [...]}: every paper point with esti's roofline and calibrated numbers (api.h Reproduce). */
  reproduce(request: string): string;
  /** Runs the reference int8/fp32 decoder (api.h Decode): {model, prompt, tokens, weights, seed, batch, temperature, top_k, top_p, step_times}; with "mesh": "XxYxZ", "ffn_layout", "attention_sharding" partitioned over an in-process mesh, adding memory_per_chip, notes and collectives. */
  decode(request: string): string;
}

export interface EstiCoreOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
}

export default function createEstiCore(options?: EstiCoreOptions): Promise<EstiCoreModule>;
