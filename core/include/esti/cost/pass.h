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
//   already splitting the batch (ESTI §3.3 Fig 5b).
// Work per chip uses ceilings: a layout that splits the batch over N chips leaves chips idle when
// B < N; K/V heads are replicated when chips exceed them (ESTI §3.3).
#pragma once

#include <array>
#include <cstdint>

#include "esti/cost/collectives.h"
#include "esti/cost/plan.h"

namespace esti::cost {

inline constexpr double kActivationBytes = 2;  // bf16 activations; int8 is weight-only (ESTI §3.6)
inline constexpr int kMaxCollectives = 8;

struct CollectiveTerm {
  const char* name = "";
  CollectiveKind kind = CollectiveKind::kAllGather;
  uint8_t roles = 0;
  double bytes_per_chip = 0;    // per layer (paper's D; serial blocks count both blocks)
  CollectiveTime time;          // per layer
};

struct PassTerms {
  // Per chip, whole pass (all layers).
  double matmul_flops = 0;
  double attention_flops = 0;
  double weight_bytes = 0;
  double kv_bytes = 0;
  double compute_s = 0;
  double weight_load_s = 0;
  double kv_load_s = 0;
  double comm_s = 0;       // all collectives of all layers, before any overlap
  double overhead_s = 0;   // calibrated fixed costs
  double time_s = 0;       // the combined step time (see Combine)
};

// How a plan splits the batch and heads for attention and the KV cache.
struct AttentionSplit {
  int64_t batch_ways = 1;    // chips the batch is split over
  int64_t head_ways = 1;     // chips the heads are split over (batch_ways x head_ways = chips)
};

// The batch/head split of attention and the KV cache for a plan (batch over every chip for
// attention over batch; otherwise over the chips a weight-gathered layout splits the batch over,
// and heads over the rest).
AttentionSplit SplitAttention(const Plan& plan);

// Chips a layout splits the batch over: 1 for weight-stationary layouts, N = X, XY or XYZ for
// weight-gathered ones; `roles` gets the role mask.
int64_t LayoutBatchWays(const Plan& plan, uint8_t* roles = nullptr);

// Everything about a pass that does not depend on the context length, computed once.
class PassModel {
 public:
  PassModel(const Scenario& s, int64_t new_tokens_per_sequence);

  // Terms of the pass when each sequence has `context_before` tokens cached.
  PassTerms At(double context_before) const;

  // The collectives of one layer (the same in every pass of a phase).
  int n_collectives() const { return n_collectives_; }
  const std::array<CollectiveTerm, kMaxCollectives>& collectives() const { return collectives_; }
  const AttentionSplit& split() const { return split_; }
  const RoleLinks& links() const { return links_; }
  int64_t weight_gather_ways() const { return gather_ways_; }
  // Bytes of one layer's weights gathered onto a chip (0 for weight-stationary layouts).
  double gathered_weight_bytes() const { return gathered_weight_bytes_; }
  // Activation working set of one layer on one chip.
  double activation_bytes() const { return activation_bytes_; }

 private:
  const Scenario& s_;
  RoleLinks links_;
  AttentionSplit split_;
  int64_t gather_ways_ = 1;
  double tokens_ = 0;            // new tokens in the pass over the whole batch
  double new_per_seq_ = 0;
  double seqs_per_chip_ = 0;     // ceil(B / batch_ways)
  double q_heads_per_chip_ = 0;  // ceil(H / head_ways)
  double kv_heads_per_chip_ = 0;
  double fixed_compute_flops_ = 0;  // matmuls (context independent)
  double weight_bytes_ = 0;
  double gathered_weight_bytes_ = 0;
  double activation_bytes_ = 0;
  double flops_rate_ = 0, hbm_rate_ = 0;
  double comm_s_ = 0;
  double overhead_s_ = 0;
  int n_collectives_ = 0;
  std::array<CollectiveTerm, kMaxCollectives> collectives_{};

  void Add(const char* name, CollectiveKind kind, uint8_t roles, double bytes);
};

// Combines per-pass components into the step time.
//   roofline:   max(compute, memory, comm)                 (all overlapped: a lower bound)
//   calibrated: max(compute, memory) + comm - overlap x min(comm, max(compute, memory)) + overhead
double Combine(Mode mode, double compute_s, double memory_s, double comm_s, double overhead_s,
               double comm_overlap);

}  // namespace esti::cost
