// The cost of one phase (a prefill, or a run of decode steps) of one scenario.
#pragma once

#include <string>
#include <vector>

#include "cost/pass.h"
#include "cost/plan.h"
#include "esti/common/result.h"

namespace esti::cost {

struct Memory {
  double weights_bytes = 0;   // this chip's shard of all weights
  double kv_cache_bytes = 0;  // this chip's KV cache at the end of the phase
  double working_bytes = 0;   // one layer's activations + gathered weights (weight-gathered)
  double total_bytes = 0;
  double hbm_capacity_bytes = 0;
};

// Sums over the passes of the phase.
struct PhaseTotals {
  double compute_s = 0;
  double weight_load_s = 0;
  double kv_load_s = 0;
  double comm_s = 0;
  double overhead_s = 0;
  double matmul_flops = 0;     // per chip
  double attention_flops = 0;  // per chip
  double weight_bytes = 0;     // per chip, read from HBM
  double kv_bytes = 0;         // per chip, read from HBM
};

struct Evaluation {
  double latency_s = 0;              // the whole phase
  double latency_per_token_s = 0;    // decode: per generated token; prefill: latency_s
  double tokens = 0;                 // processed (prefill) or generated (decode), whole batch
  double mfu = 0;                    // ESTI §3.3: 2 N_nominal tokens / (chips peak latency)
  double cost_chip_s_per_token = 0;  // ESTI §4.4: chips x latency / tokens
  double throughput_tokens_per_s = 0;
  int64_t passes = 0;
  Memory memory;
  bool fits = true;
  std::vector<std::string> does_not_fit;  // what overflows, empty when it fits
  PhaseTotals totals;
  PassTerms first_pass;  // per-pass terms at the first and last decode step (same for prefill)
  PassTerms last_pass;
  AttentionSplit attention_split;
  int n_collectives = 0;  // per layer, as PassModel::collectives()
  std::array<CollectiveTerm, kMaxCollectives> collectives{};
};

// The cost of `s`. The scenario is assumed valid (io validates every field and the topology).
Evaluation Evaluate(const Scenario& s);

// ESTI §3.3: MFU = 2 N_nominal tokens / (chips x peak bf16 FLOP/s x time).
double ModelFlopsUtilization(double nominal_params, double tokens, double chips,
                             double peak_flops_per_s, double latency_s);

// This chip's KV cache for `context` tokens per sequence under the scenario's attention split.
double KvCacheBytesPerChip(const Scenario& s, double context);

// Longest context per sequence whose KV cache fits in `kv_budget_bytes` per chip (Table 1 style).
int64_t MaxContextTokens(const Scenario& s, double kv_budget_bytes);

// Only what search needs, without the breakdown (same arithmetic as Evaluate).
struct QuickEvaluation {
  double latency_s = 0;
  double memory_bytes = 0;
  bool fits = true;
};
// One batch of a plan model built once (the scenario's own batch is ignored).
// With `skip_time_if_infeasible`, a plan that does not fit returns latency_s = +inf without
// timing it (the search already has a plan that fits).
QuickEvaluation EvaluateQuick(const PlanModel& plan, int64_t batch,
                              bool skip_time_if_infeasible = false);

}  // namespace esti::cost
