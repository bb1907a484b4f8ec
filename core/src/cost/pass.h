// Per-chip terms of ONE forward pass (a prefill, or one decode step) for one plan.
//
// Per layer, the weights with an E dimension (FFN, W_Q/W_O, and all four in multihead) share the
// FFN's layout (ESTI §3.3). In the parallel block the FFN input matrices are fused with W_Q/K/V
// and the FFN output with W_O (ESTI §3.4), so one set of activation collectives serves both; the
// serial block runs the input all-gather and output reduce-scatter once for attention and once for
// the FFN. Collectives per layer (T = tokens in the pass, a = 2 bytes per bf16 activation,
// W1 = fused first-matmul width = gates x F + (H + 2 n_kv) d_head, W2 = F + H d_head):
//   ws1d   all-gather(xyz) T E a; reduce-scatter(xyz) T E a                        (ESTI §3.2.1)
//   ws2d   all-gather(yz) T E/X a; reduce-scatter(x) T W1/YZ a; all-gather(x) T W2/YZ a;
//          reduce-scatter(yz) T E/X a                                             (ESTI §3.2.2)
//   wg_*   weights all-gathered over the N = X, XY or XYZ chips: layer weight bytes x N/n;
//          activations (B over N) all-gather + reduce-scatter over the rest: T E/N a each
//                                                                                 (ESTI §3.2.3)
//   attention over batch: all-to-all of Q, K, V in and of the output back, over the axes not
//   already splitting the batch (ESTI §3.3 Fig 5b); hybrid (GQA): the same per-chip volumes, over
//   only the axes that move from heads to batch (docs/gqa-attention.md).
// Work per chip uses ceilings: a layout that splits the batch over N chips leaves chips idle when
// B < N; K/V heads are replicated when chips exceed them (ESTI §3.3).
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "cost/collectives.h"
#include "cost/plan.h"

namespace esti::cost {

inline constexpr double kActivationBytes = 2;  // bf16 activations; int8 is weight-only (ESTI §3.6)
inline constexpr int kMaxCollectives = 8;

struct CollectiveTerm {
  const char* name = "";
  CollectiveKind kind = CollectiveKind::kAllGather;
  uint8_t roles = 0;
  double bytes_per_chip = 0;  // per layer (paper's D; serial blocks count both blocks)
  CollectiveTime time;        // per layer
};

struct PassTerms {
  // Per chip, whole pass (all layers).
  double matmul_flops = 0;
  double attention_flops = 0;
  double weight_bytes = 0;
  double kv_bytes = 0;
  // Calibrated: matmul time relative to its FLOPs at the large-matmul rate (matrix-unit padding x
  // small-matmul slowdown, pass.cpp); 1 in roofline mode.
  double matmul_time_scale = 1;
  double compute_s = 0;
  double weight_load_s = 0;
  double kv_load_s = 0;
  double comm_s = 0;      // all collectives of all layers, before any overlap
  double overhead_s = 0;  // calibrated fixed costs
  double time_s = 0;      // the combined step time (see Combine)
};

// How a plan splits the batch and heads for attention and the KV cache, over which roles.
struct AttentionSplit {
  int64_t batch_ways = 1;   // chips the batch is split over
  int64_t head_ways = 1;    // chips the heads are split over (batch_ways x head_ways = chips)
  uint8_t batch_roles = 0;  // roles splitting the batch in attention (kRoleX | kRoleY | kRoleZ)
  uint8_t head_roles = 0;   // roles splitting the (query and K/V) heads
  // Roles over which Q/K/V move from the projections' head split to attention's batch split (and
  // the output back): the all-to-alls run over these (ESTI §3.3 Fig 5b); 0 = none.
  uint8_t all_to_all_roles = 0;
};

// The batch/head split of attention and the KV cache for a plan (ESTI §3.3, docs/gqa-attention.md):
//   heads   batch over the chips a weight-gathered layout splits the batch over, heads over the
//           rest (K/V heads replicated when they are fewer than the head ways);
//   batch   batch over every chip, all-to-alls over the roles not already splitting the batch;
//   hybrid  K/V heads over HybridHeadRoles (a subset of the roles not splitting the batch whose
//           product divides n_kv_heads, or best matches it), batch over the others; all-to-alls
//           only over the roles that move from heads to batch. With no such subset it is batch
//           sharding; with every role it is heads sharding.
AttentionSplit SplitAttention(const Plan& plan, int64_t n_kv_heads);

// The roles a hybrid split puts K/V heads on: among the subsets of the roles that do not split the
// batch for the FFN layout, the one with the largest chip product that divides n_kv_heads (no
// K/V head replicated, every chip the same number), else the largest product <= n_kv_heads;
// ties go to the subset on the slowest interconnect levels (the all-to-alls then stay on the fast
// ones), then to the lowest physical axes. 0 when n_kv_heads <= 1 (multiquery: batch sharding).
uint8_t HybridHeadRoles(const Plan& plan, int64_t n_kv_heads);

// True when the hybrid differs from both pure shardings for this plan and model, i.e. a search
// has something new to score (pass.cpp; PaLM's multiquery never: n_kv_heads = 1).
bool HybridIsDistinct(const Plan& plan, int64_t n_kv_heads);

// Chips a layout splits the batch over: 1 for weight-stationary layouts, N = X, XY or XYZ for
// weight-gathered ones; `roles` gets the role mask.
int64_t LayoutBatchWays(const Plan& plan, uint8_t* roles = nullptr);

// One collective of one layer, independent of the batch: its volume is
// bytes_per_token x tokens + bytes_fixed, its time that volume x seconds_per_byte + latency_s.
struct CollectiveSpec {
  const char* name = "";
  CollectiveKind kind = CollectiveKind::kAllGather;
  uint8_t roles = 0;
  double bytes_per_token = 0;
  double bytes_fixed = 0;
  CollectiveTime unit;  // group size, bandwidth and latency; transfer_s of one byte
};

// Everything about a plan that does not depend on the batch or the context: computed once per
// plan, then evaluated cheaply for every batch (the search's inner loop).
class PlanModel {
 public:
  explicit PlanModel(const Scenario& s);  // s.workload.batch is not used

  const Scenario& scenario() const { return s_; }

 private:
  friend class PassModel;
  const Scenario& s_;
  RoleLinks links_;
  double matmul_rate_ = 0;  // matmul FLOP/s in the plan's matmul format (flops_rate_: bf16)
  AttentionSplit split_;
  int64_t gather_ways_ = 1;
  double q_heads_per_chip_ = 0, kv_heads_per_chip_ = 0;
  double layer_params_ = 0;          // matmul weights of one layer
  double activation_per_token_ = 0;  // one layer's activation bytes per token on a chip
  double weight_bytes_ = 0;          // per chip, read once per pass
  double stored_weight_bytes_ = 0;   // per chip, all weights (embedding included) held in HBM
  // One layer's communication time is linear in the pass's tokens: per_token x T + fixed.
  double comm_per_token_s_ = 0, comm_fixed_s_ = 0;
  double gathered_weight_bytes_ = 0;
  double flops_rate_ = 0, hbm_rate_ = 0;
  double overhead_s_ = 0;
  double matmul_time_scale_ = 1;  // calibrated: weight-tile padding x small-matmul slowdown
  int n_collectives_ = 0;
  std::array<CollectiveSpec, kMaxCollectives> collectives_{};

  void Add(const char* name, CollectiveKind kind, uint8_t roles, double per_token, double fixed);
};

// Everything about a pass that does not depend on the context length.
class PassModel {
 public:
  PassModel(const PlanModel& plan, int64_t batch, int64_t new_tokens_per_sequence);
  // Convenience: builds (and owns) the plan model of `s` with s.workload.batch.
  PassModel(const Scenario& s, int64_t new_tokens_per_sequence);
  PassModel(const PassModel&) = delete;
  PassModel& operator=(const PassModel&) = delete;

  // Terms of the pass when each sequence has `context_before` tokens cached.
  PassTerms At(double context_before) const;

  // The collectives of one layer with this pass's volumes and times.
  int n_collectives() const { return plan_.n_collectives_; }
  CollectiveTerm collective(int i) const;
  const AttentionSplit& split() const { return plan_.split_; }
  // Bytes of one layer's weights gathered onto a chip (0 for weight-stationary layouts).
  double gathered_weight_bytes() const { return plan_.gathered_weight_bytes_; }
  double stored_weight_bytes() const { return plan_.stored_weight_bytes_; }
  // Activation working set of one layer on one chip.
  double activation_bytes() const { return activation_bytes_; }
  // This chip's KV cache for `context` tokens per sequence.
  double KvCacheBytes(double context) const;

 private:
  void Init(int64_t batch, int64_t new_tokens_per_sequence);

  std::unique_ptr<PlanModel> owned_;  // only for the convenience constructor
  const PlanModel& plan_;
  double tokens_ = 0;  // new tokens in the pass over the whole batch
  double new_per_seq_ = 0;
  double seqs_per_chip_ = 0;        // ceil(B / batch_ways)
  double fixed_compute_flops_ = 0;  // matmuls (context independent)
  double activation_bytes_ = 0;
  double comm_s_ = 0;
  double matmul_time_flops_ = 0;  // matmul FLOPs scaled by padding and small-matmul slowdown
};

// Combines per-pass components into the step time.
//   roofline:   max(compute, memory, comm)                 (all overlapped: a lower bound)
//   calibrated: max(compute, memory) + comm - overlap x min(comm, max(compute, memory)) + overhead
double Combine(Mode mode, double compute_s, double memory_s, double comm_s, double overhead_s,
               double comm_overlap);

}  // namespace esti::cost
