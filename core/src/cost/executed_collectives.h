// Every collective of one forward pass as a program that executes a layout runs it, with its
// bytes per chip at the widths that program moves: the cost model's per-layer terms (pass.h) at
// other element widths, plus the small terms the paper's per-layer model leaves out.
//
// The paper (ESTI §3) counts bf16 activations (2 bytes) and fuses the parallel block's two output
// matmuls into one sum; a program may move other widths (the reference decoder: fp32 activations,
// int32 partial sums, fp32 weights) and keep the two outputs apart. ExecutionWidths says which;
// its defaults are the paper's, under which the per-layer terms here equal PassModel's exactly.
//
// Padding (ESTI §3.3: chips idle when the batch is smaller than the chips splitting it): a batch
// B over the N chips a layout splits it over runs ceil(B / N) sequence slots per chip, so the
// volumes here count B' = N ceil(B / N) sequences; attention over batch splits each shard's slots
// again over the K other chips (the hybrid of GQA: the K chips of the roles that move from heads to
// batch, pass.h SplitAttention), and its all-to-alls carry N K ceil(ceil(B / N) / K) sequences.
// A model whose dimensions do not divide is passed here already padded (mesh/padding.h).
//
// Per pass, with L layers, blocks = 1 (parallel) or 2 (serial), T = t new tokens per sequence,
// T_s = ceil(B / N) T tokens per batch shard, n chips, X = chips of role x, E = d_model, V = vocab,
// a = activation bytes, p = partial-sum bytes, the terms beyond the paper's per-layer ones are:
//   norm_sum_of_squares_all_gather   ws2d, over x: RMSNorm's sum of squares over an E split over
//                                     x, carried chip to chip in the unsharded order: X calls per
//                                     block of X T_s doubles (8 bytes) each.
//   activation_scale_all_reduce      int8: the per-token max |x| of the first matmul's input over
//                                     x (ws2d: T_s floats per block) and of the second matmul's
//                                     two inputs over the hidden roles (2 T_s floats per block).
//   kv_heads_all_gather              attention over heads with fewer K/V heads than the chips
//                                     splitting heads (replicated, ESTI §3.3): the K and V
//                                     projections gathered, T_s 2 n_kv d_head a per layer.
//   embedding_all_to_all             weight-gathered: each chip's E/n slice of every token's
//                                     embedding to its batch shard, B' T E/n a per pass.
//   final_all_gather                 the last token of each sequence, whole: over the roles not
//                                     splitting the batch ceil(B/N) E a, over the batch roles B' E
//                                     a.
//   logits_all_reduce                partial logits over every chip: B' V p per pass.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cost/pass.h"

namespace esti::cost {

struct ExecutionWidths {
  double activation_bytes = kActivationBytes;   // activations moved (gathers, all-to-alls)
  double partial_sum_bytes = kActivationBytes;  // matmul partial sums (reduce-scatters, logits)
  double weight_bytes = 0;  // a gathered weight element; 0 = the plan's format (BytesPerWeight)
  // Values per element of a parallel block's output reduce-scatter: 1 when W_O's and W_down's
  // outputs are added before it (the paper, ESTI §3.4), 2 when they travel apart.
  double parallel_output_values = 1;
  bool int8_activation_scales = false;  // per-token activation scales all-reduced (int8 inputs)
  bool extra_terms = false;  // include the terms beyond the paper's (false: per-layer terms only)
};
inline constexpr double kScaleBytes = 4;        // one float32 activation scale
inline constexpr double kNormPartialBytes = 8;  // one float64 partial sum of squares

struct ExecutedCollective {
  std::string name;
  const char* kind = "";  // all_gather, reduce_scatter, all_reduce, all_to_all
  uint8_t roles = 0;
  int64_t group = 1;
  int64_t calls = 0;        // per pass
  double bytes = 0;         // per chip, per pass, the paper's D (App. A.1)
  bool paper_term = false;  // one of PassModel's per-layer terms (ESTI §3.2, §3.3)
  std::string formula;      // how `bytes` is computed, in the header's notation
};

// The collectives of one pass of `new_tokens_per_sequence` tokens for each of s.workload.batch
// sequences; s.model is the model as executed (padded if it had to be).
std::vector<ExecutedCollective> ExecutedCollectives(const Scenario& s,
                                                    int64_t new_tokens_per_sequence,
                                                    const ExecutionWidths& widths);

}  // namespace esti::cost
