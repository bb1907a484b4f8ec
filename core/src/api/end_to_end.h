// One request from prompt to last token: the prefill of the prompt plus the decode of the generated
// tokens on the same slice, batch and weight format (ESTI Section 2: latency is the time to process
// the input tokens, "prefill", plus the time to generate the output tokens, "decode").
#pragma once

#include "cost/evaluate.h"
#include "esti/io/json_input.h"
#include "search/space.h"

namespace esti::api::internal {

// The "end_to_end" object of an evaluate-shaped result, for `s` (either phase) evaluated as `ev`.
// The other phase runs on the same slice, batch and weight format with its own fastest plan among
// the layouts `space` allows (the user's layout, or every layout for "auto"): the paper picks the
// layout per phase (§3.2.3: one stored weight layout serves weight-stationary decode and
// weight-gathered prefill). A phase with no tokens (no prompt, or no generated tokens) takes 0.
//   {"input_tokens", "generate_tokens": the request's prompt and generated tokens,
//    "prefill_s", "decode_s", "total_s": time from the prompt to the last generated token,
//    "chip_seconds": chips x total_s for the whole batch, "chip_seconds_per_request": / batch,
//    "prefill": {"ffn_layout", "attention_sharding", "attention_split", "fits"}, "decode": {...}:
//    each phase's plan}
io::Json EndToEndJson(const search::Space& space, const cost::Scenario& s,
                      const cost::Evaluation& ev);

}  // namespace esti::api::internal
