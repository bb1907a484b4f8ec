// The core's answers (core/include/esti/api.h) as TypeScript types: one declaration file, checked
// against real answers by tests/node/core-results.test.mjs (every key an answer has is declared
// here with its type, and every key declared without "?" is present). The page reads answers
// through readResult() (json.ts), which checks the envelope; views may rely on these shapes.
// A non-finite number reaches the page as null (the core's JSON has no Infinity): views pass
// numbers to format.ts, which shows any non-finite value as "—".
import type { AttentionSharding, CoreSchema, FfnLayout, Mode, ModelDocument, Objective, Phase, ScenarioDocument, Weights } from './core-types.ts';

/** Every answer: {ok: true, ...} or {ok: false, error}. */
export interface Envelope {
  ok: true;
  schema_version: number;
  engine_version: string;
}

/** api.h Schema: the documents' fields, presets and limits (CoreSchema is generated from it). */
export interface SchemaAnswer extends Envelope, CoreSchema {}

export interface CoreErrorAnswer {
  ok: false;
  schema_version: number;
  error: { code: string; path: string; message: string };
}

/** calibrate/band.h: measured ÷ predicted of the 8 nearest paper points, applied to this answer. */
export interface LatencyBand {
  low_s: number;
  high_s: number;
  low_per_token_s: number;
  high_per_token_s: number;
  neighbours: number;
}

export interface CollectiveTerm {
  name: string;
  kind: string;
  axes: string;
  group_size: number;
  bytes_per_chip_per_layer: number;
  bandwidth_bytes_per_s: number;
  time_per_layer_s: number;
  latency_per_layer_s: number;
  time_s: number;
}

export interface BreakdownTerm {
  name: string;
  time_s: number;
  formula: string;
  /** Numbers, and the name of the matmul format (matmul_format). */
  inputs: Record<string, number | string>;
}

/** What each part of the model is stored and computed in (docs/formats.md). */
export interface Formats {
  weights: Weights;
  weight_bytes_per_parameter: number;
  kv_cache: 'bf16' | 'fp8' | 'int8';
  kv_bytes_per_element: number;
  matmul: string;
  attention: string;
  /** Set when the chip lacks the format's matmul units and computes in the next format up. */
  fallback?: string;
}

export interface Breakdown {
  compute_s: number;
  weight_load_s: number;
  kv_load_s: number;
  comm_s: number;
  overhead_s: number;
  passes: number;
  step_time_formula: string;
  comm_overlap: number;
  matmul_flops_per_chip: number;
  attention_flops_per_chip: number;
  weight_bytes_per_chip: number;
  kv_bytes_per_chip: number;
  collectives: CollectiveTerm[];
  terms: BreakdownTerm[];
}

export interface MemoryPerChip {
  weights_bytes: number;
  kv_cache_bytes: number;
  working_bytes: number;
  total_bytes: number;
  hbm_capacity_bytes: number;
}

export interface TensorSharding {
  tensor: string;
  notation: string;
  splits: Record<string, string>;
  ways: Record<string, number>;
}

/** cost/attention_use.h: how attention really splits, and the chips it leaves idle. */
export interface AttentionUse {
  split: string;
  batch_ways: number;
  head_ways: number;
  busy_chips: number;
  idle_chips: number;
  kv_copies: number;
}

export interface EndToEndPhase {
  ffn_layout: FfnLayout;
  attention_sharding: AttentionSharding;
  attention_split: string;
  fits: boolean;
}

/** Prefill of the prompt + decode of the generated tokens, per request (api/end_to_end.h). */
export interface EndToEnd {
  input_tokens: number;
  generate_tokens: number;
  prefill_s: number;
  decode_s: number;
  total_s: number;
  chip_seconds: number;
  chip_seconds_per_request: number;
  /** null when the phase has no tokens (no prompt, or nothing generated). */
  prefill: EndToEndPhase | null;
  decode: EndToEndPhase | null;
}

/** api.h Evaluate: one concrete plan and its cost. Search candidates and full frontier points too. */
export interface Evaluation {
  scenario: ScenarioDocument;
  model_id: string;
  model_name: string;
  hardware_id: string;
  hardware_name: string;
  phase: Phase;
  mode: Mode;
  chips: number;
  topology: number[];
  wraparound: boolean;
  axis_roles: number[];
  role_sizes: { x: number; y: number; z: number };
  batch: number;
  input_tokens: number;
  generate_tokens: number;
  weights: Weights;
  formats: Formats;
  ffn_layout: FfnLayout;
  attention_sharding: AttentionSharding;
  attention_batch_ways: number;
  attention_head_ways: number;
  attention_use?: AttentionUse;
  sharding: TensorSharding[];
  latency_s: number;
  latency_per_token_s: number;
  tokens: number;
  mfu: number;
  cost_chip_s_per_token: number;
  /** Only when the chip has a list price (cost_per_chip_hour_usd). */
  usd_per_million_tokens?: number;
  throughput_tokens_per_s: number;
  memory_per_chip_bytes: number;
  memory: MemoryPerChip;
  fits: boolean;
  does_not_fit: string[];
  breakdown: Breakdown;
  latency_band?: LatencyBand;
  calibration_warnings?: string[];
  end_to_end?: EndToEnd;
  /** Search candidates with a latency bound: whether this one meets it. */
  within_latency_bound?: boolean;
}

export interface EvaluateAnswer extends Envelope, Evaluation {}

export interface SearchStats {
  combinations: number;
  plans_scored: number;
  infeasible: number;
  over_latency_bound: number;
  dominated: number;
}

export interface SearchAnswer extends Envelope {
  objective: Objective;
  best: Evaluation;
  candidates: Evaluation[];
  candidates_total: number;
  stats: SearchStats;
}

/** A frontier point with "detail": "summary": its plan and headline numbers. */
export interface FrontierSummaryPoint {
  scenario: ScenarioDocument;
  phase: Phase;
  chips: number;
  topology: number[];
  batch: number;
  weights: Weights;
  ffn_layout: FfnLayout;
  attention_sharding: AttentionSharding;
  latency_s: number;
  latency_per_token_s: number;
  mfu: number;
  cost_chip_s_per_token: number;
  /** Only when the chip has a list price (cost_per_chip_hour_usd). */
  usd_per_million_tokens?: number;
  memory_per_chip_bytes: number;
  fits: boolean;
  latency_band?: LatencyBand;
  calibration_warnings?: string[];
}

export interface FrontierAnswer extends Envelope {
  prefill?: (Evaluation | FrontierSummaryPoint)[];
  decode?: (Evaluation | FrontierSummaryPoint)[];
  prefill_dominated?: (Evaluation | FrontierSummaryPoint)[];
  decode_dominated?: (Evaluation | FrontierSummaryPoint)[];
  stats: { prefill?: SearchStats; decode?: SearchStats };
}

/** api.h Frontier with "hardware": [...]: one frontier per chip, in the request's order. */
export interface FrontierCompareAnswer extends Envelope {
  per_hardware: FrontierPerHardware[];
}

export interface FrontierPerHardware {
  hardware_id: string;
  hardware_name: string;
  /** The chip's list price, when it has one; then every point has usd_per_million_tokens. */
  cost_per_chip_hour_usd?: number;
  /** Only with a price: where and when it was read. */
  price_source?: string;
  price_date?: string;
  prefill?: FrontierSummaryPoint[];
  decode?: FrontierSummaryPoint[];
  stats: { prefill?: SearchStats; decode?: SearchStats };
}

export interface MaxContextAnswer extends Envelope {
  model_id: string;
  chips: number;
  batch: number;
  kv_budget_bytes_per_chip: number;
  weights_bytes_per_chip: number;
  layouts: { attention_sharding: AttentionSharding; max_context_tokens: number; kv_bytes_per_token_per_chip: number }[];
}

/** api.h DescribeModel: the model as the core read it, its parameters and memory figures. */
export interface DescribeModelAnswer extends Envelope {
  model: ModelDocument;
  nominal_params: number;
  params: {
    embedding: number;
    attention_q: number;
    attention_kv: number;
    attention_o: number;
    attention: number;
    ffn: number;
    norm_scales: number;
    non_embedding: number;
    total_params: number;
  };
  weight_bytes: Record<Weights, number>;
  kv_bytes_per_token: number;
}

/** One paper point in api.h Reproduce: the paper's number, esti's roofline and calibrated ones. */
export interface PaperRow {
  id: string;
  source: string;
  what: string;
  quantity: string;
  paper: number;
  roofline: number;
  calibrated: number;
  error: number;
  roofline_error: number;
  used_in_fit: boolean;
  /** A measured point's concrete configuration (loads into the page on click). */
  scenario?: ScenarioDocument;
  chips?: number;
  batch?: number;
}

export interface ReproduceAnswer extends Envelope {
  rows: PaperRow[];
}

/** The calibrated mode's parameters (a hardware document's "calibration" block). */
export interface CalibrationParameters {
  comm_overlap: number;
  hbm_efficiency: number;
  ici_efficiency: number;
  matmul_efficiency: number;
  matmul_half_dim: number;
  per_collective_overhead_s: number;
  per_layer_overhead_s: number;
  per_step_overhead_s: number;
}

/** Where the fitted calibration was measured (the answer's latency_band warns outside it). */
export interface CalibrationValidity {
  hardware: string;
  block_type: string;
  ffn_type: string;
  n_kv_heads: number;
  batch: number[];
  chips: number[];
  total_params: number[];
  /** Each cross-validated point as [phase, chips, batch, measured ÷ predicted − 1]
   *  (core/src/calibrate/band.h). */
  residuals: [Phase, number, number, number][];
}

export interface CalibrationBlock extends CalibrationParameters {
  /** Absent without cross-validated residuals (one model and one group). */
  validity?: CalibrationValidity;
}

/** A measurement point with the fit's prediction of it. */
export interface FitPoint {
  id: string;
  group: string;
  model: string;
  phase: Phase;
  chips: number;
  batch: number;
  ffn_layout: FfnLayout;
  attention_sharding: AttentionSharding;
  measured_s: number;
  predicted_s: number;
  relative_error: number;
}

export interface FitParameter {
  name: string;
  value: number;
  fitted: boolean;
  /** Present for a fitted parameter. */
  at_bound?: boolean;
  /** Absent when the parameter is not identifiable from the data. */
  std_error?: number;
}

export interface CrossValidationFold {
  left_out: string;
  points: number;
  calibration: CalibrationParameters;
  median_abs_relative_error: number;
  max_abs_relative_error: number;
  rms_log_error: number;
}

export interface CrossValidation {
  by: string;
  folds: CrossValidationFold[];
  held_out: FitPoint[];
  median_abs_relative_error: number;
  max_abs_relative_error: number;
  rms_log_error: number;
}

/** api.h Calibrate: the fit of the calibrated mode to a measurement file. */
export interface CalibrateAnswer extends Envelope {
  calibration: CalibrationBlock;
  parameters: FitParameter[];
  points: FitPoint[];
  /** Absent with one model and one group (nothing to hold out). */
  cross_validation?: CrossValidation;
  confounded: { pair: string; correlation: number }[];
  median_abs_relative_error: number;
  max_abs_relative_error: number;
  rms_log_error: number;
  /** Share of held-out points inside their error band: only with cross-validation. */
  band_coverage?: number;
  objective_evaluations: number;
  warnings: string[];
}

/** Work the reference decoder did in one phase (api.h Decode without a mesh). */
export interface DecodeCounts {
  matmul_flops: number;
  attention_flops: number;
  weight_bytes: number;
  weight_scale_bytes: number;
  kv_read_bytes: number;
  kv_write_bytes: number;
  embedding_lookup_bytes: number;
}

/** api.h Decode without a mesh: the plain int8 reference decoder. */
export interface DecodeAnswer extends Envelope {
  model: ModelDocument;
  weights: Weights;
  batch: number;
  prompt_tokens: number;
  /** Generated tokens, one list per sequence. */
  tokens: number[][];
  kernel: string;
  cancelled: boolean;
  setup_s: number;
  prefill_s: number;
  decode_s: number;
  tokens_per_s: number;
  decode_tokens_per_s: number;
  kv_bytes_per_element: number;
  memory_bytes: { weights: number; kv_cache: number; scratch: number; total: number };
  counts: { prefill: DecodeCounts; decode: DecodeCounts };
}

/** A collective the mesh decoder really ran, with the cost model's bytes beside the measured ones
 *  (at the decoder's widths: fp32 activations, int32/fp32 partial sums) and the paper's bf16 term. */
export interface MeshCollective {
  phase: Phase;
  name: string;
  kind: string;
  axes: string;
  group: number;
  calls: number;
  calls_model: number;
  bytes_measured: number;
  bytes_model: number;
  match: boolean;
  in_cost_model: boolean;
  in_paper: boolean;
  /** null for a collective the paper's per-layer terms omit. */
  bytes_paper: number | null;
  formula: string;
  bytes_sent: number;
  seconds: number;
  seconds_model?: number;
}

/** A tensor padded or replicated so the mesh can hold it (mesh/padding.h). */
export interface MeshPadding {
  tensor: string;
  how: string;
  size: number;
  executed: number;
  why: string;
}

export interface MeshChipMemory {
  chip: number;
  weight_bytes: number;
  weight_elements: number;
  weight_elements_model: number;
  kv_cache_bytes: number;
  kv_cache_elements: number;
  kv_cache_elements_model: number;
  replicated_bytes: number;
}

/** api.h Decode with a mesh: the layout executed on simulated chips ("Run it"). */
export interface MeshDecodeAnswer extends Envelope {
  model: ModelDocument;
  weights: Weights;
  batch: number;
  prompt_tokens: number;
  tokens: number[][];
  mesh: string;
  chips: number;
  ffn_layout: FfnLayout;
  attention_sharding: AttentionSharding;
  transport: string;
  run_s: number;
  accounting: string;
  notes: string[];
  padding: MeshPadding[];
  collectives: MeshCollective[];
  memory_per_chip: MeshChipMemory[];
}
