// The facade every front end uses (CLI, wasm bindings, tests): JSON text in, JSON text out.
// Every response is an object with "ok": true and the result fields, or
//   {"ok": false, "error": {"code": ..., "path": <JSON pointer>, "message": ...}}.
// No function here throws or aborts, whatever the input.
#pragma once

#include <string>
#include <string_view>

namespace esti::api {

// Version of the result documents' shape; bumped when a field changes meaning or disappears.
inline constexpr int kResultSchemaVersion = 1;
const char* EngineVersion();

// {"hardware": [{id, name}], "models": [{id, name}], "scenarios": [{id, name}]}
std::string ListPresets();

// Request {"kind": "hardware"|"models"|"scenarios", "id": "..."} -> {"preset": <the JSON>}.
std::string GetPreset(std::string_view request);

// Request {"model": <preset id or object>} -> parameter breakdown, KV bytes per token and weight
// bytes per format (see io::DescribeModel).
std::string DescribeModel(std::string_view request);

// Request: a scenario (io/scenario_io.h) -> the cost of its phase: latency_s, latency_per_token_s,
// mfu, cost_chip_s_per_token, memory_per_chip_bytes, fits, the plan chosen for "auto" fields and a
// breakdown of every term with its inputs.
std::string Evaluate(std::string_view request);

// Request: a scenario where chips, batch, weights, ffn_layout and attention_sharding may be lists
// or "auto", plus "objective" and optional "max_latency_s" / "max_latency_per_token_s";
// "max_candidates" (20), "include_infeasible" (false). -> {"best", "candidates" (ranked,
// evaluate-shaped), "candidates_total", "stats"}; error "infeasible" when nothing fits the bound.
std::string Search(std::string_view request);

// Request: a scenario as for Search (phase optional: both) -> {"prefill": [...], "decode": [...]}
// Pareto points in (latency, cost), evaluate-shaped; "include_dominated": true adds
// "<phase>_dominated" lists; "stats" counts combinations, infeasible and dominated ones;
// "detail": "summary" gives each point only its plan and headline numbers (same values).
std::string Frontier(std::string_view request);

// Request {"model", "hardware" (tpu-v4), "chips", "batch", "weights" (bf16),
// "kv_memory_fraction"?} -> longest context per attention sharding (ESTI Table 1).
std::string MaxContext(std::string_view request);

// Request {"data": <calibration preset id or document>, "fit": true|false} -> the calibrated-mode
// parameters fitted to the measurements (fit: true) or the residuals of the hardware preset's
// current calibration (fit: false), with per-point predicted vs measured latency;
// "hold_out_prefix": measurements whose id starts with it are left out of the fit and reported
// as "held_out" predictions.
std::string Calibrate(std::string_view request);

// Runs the reference int8/fp32 decoder (esti/decoder). Request {"model": <preset id or object>,
// "prompt": [token ids], "tokens": N new tokens per sequence, "weights": "int8"|"fp32" (int8),
// "seed": S (0; seeds the synthetic weights and, derived per sequence, the sampler), "batch": B (1;
// every sequence starts from the prompt), "temperature": T (0 = greedy), "top_k": K (0 = off),
// "top_p": P (1 = off), "step_times": bool (false), "hashes": bool (true)} ->
// {"tokens": [[ids] per sequence],
// "tokens_per_s" (generated tokens / (prefill + decode seconds)), "decode_tokens_per_s",
// "setup_s", "prefill_s", "decode_s", ["step_s"], "kernel", "memory_bytes", "counts": {"prefill",
// "decode"} (FLOPs and bytes counted as the decoder ran), "layer_hashes" (int8)}.
std::string Decode(std::string_view request);
// Asks a running (or the next) Decode to stop after its current step: it then answers with the
// tokens generated so far and "cancelled": true. Async-signal-safe (a lock-free atomic store), so
// the CLI calls it from its SIGINT handler. The request is cleared when Decode returns.
void CancelDecode();
// The same with weights from a safetensors checkpoint (raw file bytes) instead of the seed. The
// checkpoint is validated completely (see io::ParseSafetensors and decoder::WeightsFromTensors):
// an empty one is an error, never a fallback to synthetic weights; errors carry the path
// "/checkpoint/<tensor name>...".
std::string Decode(std::string_view request, std::string_view checkpoint);

}  // namespace esti::api
