// The "attention_use" object of an evaluate-shaped result (cost/attention_use.h in JSON).
#pragma once

#include "cost/plan.h"
#include "esti/io/json_input.h"

namespace esti::api::internal {

// {"split": "unsplit" | "batch" | "heads" | "batch_and_heads" (what is split, from the ways),
//  "batch_ways", "head_ways", "busy_chips", "idle_chips", "kv_copies"}
io::Json AttentionUseJson(const cost::Scenario& s);

}  // namespace esti::api::internal
