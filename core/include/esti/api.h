// The facade every front end uses (CLI, wasm bindings, tests): JSON text in, JSON text out.
// Every response is an object with "ok": true and the result fields, or
//   {"ok": false, "error": {"code": ..., "path": <JSON pointer>, "message": ...}}.
// No function here throws or aborts, whatever the input.
#pragma once

#include <string>
#include <string_view>

namespace esti::mesh {
class Transport;
}

namespace esti::api {

// Version of the result documents' shape; bumped when a field changes meaning or disappears.
inline constexpr int kResultSchemaVersion = 1;
const char* EngineVersion();

// {"hardware": [{id, name}], "models": [{id, name}], "scenarios": [{id, name}]}
std::string ListPresets();

// The input documents' fields as the core reads them: {"documents": {"scenario"|"model"|
// "hardware": {"label", "fields": [{"key", "label", "type" ("integer"|"number"|"boolean"|
// "string"|"enum"|"spec"|"integer_triple"|"object"), "required", "min", "max", "unit",
// "accepts_units" (a number that also reads "32 GiB", "50 ms"), "default", "default_rule",
// "values": [{"value", "label"}] (enums), "lists" (a list or "auto" allowed in search and
// frontier), "applies" ("search"|"decode"), "help"}]}}, "presets": {kind: [ids]}, "limits":
// {"list_length", "search_combinations", "plans_scored", "auto_batch_max", "json_bytes" (largest
// JSON request), "share_link_chars" (largest link fragment)}}.
std::string Schema();

// Request {"kind": "hardware"|"models"|"scenarios", "id": "..."} -> {"preset": <the JSON>}.
std::string GetPreset(std::string_view request);

// Request {"model": <preset id or object>} -> parameter breakdown, KV bytes per token and weight
// bytes per format (see io::DescribeModel).
std::string DescribeModel(std::string_view request);

// Request {"config": <a Hugging Face config.json object> | "config_text": <its text>, "id"?,
// "name"?} -> {"model": esti's model
// JSON (usable wherever a model is), "architecture" ("llama"|"mistral"|"qwen2"|"gemma2"),
// "unmapped": [{"field", "value", "effect": "none"|"negligible"|"approximated"|"unknown",
// "reason"}] for every config field esti cannot represent, "ignored": [metadata field names with
// no bearing on cost], "notes": [defaults taken, approximations], "params"}. Mixture-of-experts
// configs are rejected with code "unsupported" (io/hf_config_io.h).
std::string ModelFromHf(std::string_view request);

// Decodes one of the page's share links (io/share_link.h). Unlike the other functions the request
// is the link's fragment itself (`#v=1&s=...`, the leading '#' optional), not JSON. -> {"empty":
// true} for an empty fragment, else {"empty": false, "scenario": <the scenario's JSON text>,
// "second_scenario"?: <text>, "view"?: <name>, "compare_hardware"?: [<chip id>, ...] (the chips
// the Frontiers view compares with)}; the texts are not validated as scenarios here, nor the ids
// as presets. Errors name the link part ("/v", "/s", "/b", "/view", "/hw"): too_large (fragment
// over 16 KiB, a scenario inflating past 64 KiB, more than 7 chip ids), unsupported_version,
// invalid_value (bad base64url, corrupt compressed data, not UTF-8, a malformed or repeated chip
// id), missing_field, unknown_key, duplicate_key.
std::string DecodeLink(std::string_view fragment);

// Request: a scenario (io/scenario_io.h) -> the cost of its phase: latency_s, latency_per_token_s,
// mfu, cost_chip_s_per_token (and usd_per_million_tokens when the chip has a list price,
// cost_per_chip_hour_usd), memory_per_chip_bytes, fits, the plan chosen for "auto" fields and a
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
// "hardware": [ids or objects] (at most 8) -> {"per_hardware": [{"hardware_id", "hardware_name",
// "cost_per_chip_hour_usd"?, "price_source"?, "price_date"?, "prefill", "decode", "stats"}]}: one
// frontier per chip (core/src/api/compare_api.h). Every point of every frontier, search candidate
// and evaluation has "usd_per_million_tokens" when its chip has a price.
std::string Frontier(std::string_view request);

// Request {"model", "hardware" (tpu-v4), "chips", "batch", "weights" (bf16),
// "kv_memory_fraction"?} -> longest context per attention sharding (ESTI Table 1).
std::string MaxContext(std::string_view request);

// Request {"data": <measurement file | calibration preset id | list of them>, "fit": true|false,
// "cross_validate": "model"|"group"|"none", "fixed": {parameter: value, ...}} -> with fit
// (default): the calibrated-mode parameters fitted to every point, their standard errors and
// confounded pairs, per-point predicted vs measured latency, and the cross-validation ("model" when
// the data has two models or more, else "group"; default): each fold's fit without one model
// (group) and its predictions of it. The returned "calibration" block, with "validity" (the data's
// range and the cross-validated residuals behind every error band), goes into a hardware JSON as it
// is. "fixed" replaces the default set of fixed parameters (README). fit: false -> the residuals of
// the named hardware's current calibration.
std::string Calibrate(std::string_view request);

// Request {} -> {"rows": [...]}: every paper point the project has data for (ESTI Table 1's
// context lengths, Table 2 and the Figure 1 / C.1 latencies of PaLM 540B, 62B and 8B, Figure 3's
// communication volumes), each {"id", "source", "what", "quantity", "paper", "roofline",
// "calibrated", "error" (calibrated / paper - 1), "roofline_error", "used_in_fit"}; measured
// latencies add "chips", "batch" and the concrete "scenario" whose evaluate gives "calibrated".
std::string Reproduce(std::string_view request);

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
// Sharded (esti/mesh): with "mesh": "XxYxZ", "ffn_layout" (ws2d), "attention_sharding" (heads),
// "transport": "local" (default, the in-process mesh) or "mpi" (only through the overload below)
// the decoder runs partitioned over the mesh -> {"tokens", "mesh", "ffn_layout",
// "attention_sharding", "transport", "memory_per_chip": [{chip, weight_elements, weight_bytes,
// kv_cache_elements, ..., *_model}], "notes", "padding": [{tensor, how, size, executed, why}],
// "collectives": [{phase, name, kind, axes, group, calls, calls_model, bytes_measured,
// bytes_model, match, in_cost_model, in_paper, bytes_paper, formula, bytes_sent, seconds}]}
// (mesh/accounting.h). Errors name the field (/mesh, /ffn_layout, /attention_sharding, ...).
// `checkpoint` (null: synthetic weights from the seed) as above; `transport` (null: in-process)
// runs the collectives, e.g. one MPI rank per chip.
std::string Decode(std::string_view request, const std::string_view* checkpoint,
                   mesh::Transport* transport);
// With "link": {"latency_s", "bandwidth_bytes_per_s"} (from MeasureLink) each collective also
// gets "seconds_model" = calls x latency + bytes_sent / bandwidth.

// Times every collective kind over every axis group of the mesh through `transport` (null: the
// in-process mesh) and fits this machine's link. Request {"mesh": "XxYxZ", "min_bytes_log2" (10),
// "max_bytes_log2" (20), "repeats" (10)} -> {"samples": [{kind, axes, group, bytes, bytes_sent,
// seconds (median), seconds_model}], "fit": {latency_s, bandwidth_bytes_per_s,
// rms_relative_error, samples}}. Under MPI every rank must make the same call.
std::string MeasureLink(std::string_view request, mesh::Transport* transport = nullptr);

}  // namespace esti::api
