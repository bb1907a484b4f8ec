// The scenario document shared by `evaluate`, `search` and `frontier`:
//   {"schema_version":1, "model": id|{...}, "hardware": id|{...} (default "tpu-v4"),
//    "chips": N | [N, ...] | "auto"   or   "topology": [X, Y, Z],
//    "axis_roles": [px, py, pz] (physical axes playing x, y, z; default: best),
//    "phase": "prefill"|"decode", "batch": B | [B, ...] | "auto",
//    "input_tokens": L_in, "generate_tokens": L_gen (decode),
//    "weights": "bf16"|"int8"|[...]|"auto", "ffn_layout": name|[...]|"auto",
//    "attention_sharding": "heads"|"batch"|"hybrid"|[...]|"auto", "mode": "calibrated"|"roofline",
//    search only: "objective": "min_latency"|"min_cost"|"max_mfu",
//                 "max_latency_s", "max_latency_per_token_s"}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cost/evaluate.h"
#include "cost/plan.h"
#include "esti/common/result.h"
#include "esti/io/json_input.h"
#include "search/space.h"

namespace esti::io {

inline constexpr int64_t kScenarioSchemaVersion = 1;
inline constexpr int64_t kMaxBatch = 1 << 20;           // sequences in one batch
inline constexpr int64_t kMaxInputTokens = 1 << 24;     // context tokens per sequence
inline constexpr int64_t kMaxGenerateTokens = 1 << 20;  // decode steps
inline constexpr int64_t kAutoBatchMax = 4096;          // "batch": "auto" = 1, 2, 4 ... 4096
inline constexpr size_t kMaxListLength = 64;            // entries in any list-valued field
// Work a search or frontier may do, checked before it starts (issue 12 item 9: a custom torus from
// a link reached 21 M plans and 2.1 GB). Per phase, counted by search::CountSpace:
// - combinations (chip counts x weight formats x batches; one candidate each, so also the points
//   a frontier with include_dominated returns): explicit lists reach 64 x 2 x 64 = 8192; "auto"
//   chips on TPU v4 give 962.
inline constexpr int64_t kMaxSearchCombinations = 8192;
// - plans scored, an upper bound (slices x role assignments x layouts x attention x batches x
//   weight formats): 89,180 for the default palm-540b frontier on TPU v4; 2 M take ~0.2 s natively.
inline constexpr int64_t kMaxPlansScored = 2'000'000;

// bugprone-exception-escape is silenced below: the throw the check reaches from the implicit move
// constructor is inside nlohmann::json's own noexcept move constructor (json_value(value_t) has a
// throwing branch for other types), not in esti's code.
// NOLINTNEXTLINE(bugprone-exception-escape)
struct ScenarioInput {
  search::Space space;  // every field but the echoed model/hardware documents
  Json model_json;      // as given (preset id or object), echoed back in results
  Json hardware_json;
  bool phase_given = true;  // frontier may omit the phase (both phases)
};

enum class ScenarioUse { kEvaluate, kSearch, kFrontier };

// Reads and validates a scenario; `use` decides which fields may be lists or "auto".
ScenarioInput ReadScenario(const Json& j, ScenarioUse use);  // throws InputError

}  // namespace esti::io
