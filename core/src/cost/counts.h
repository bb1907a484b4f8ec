// Exact operation and byte counts of one forward pass, independent of any partitioning. The cost
// model divides these over chips; the reference decoder counts the same quantities as it runs and
// a test checks that the two agree.
#pragma once

#include <cstdint>

#include "model/model.h"

namespace esti::cost {

struct ForwardCounts {
  double matmul_flops = 0;     // 2 x weights x tokens: QKV/O projections, FFN, unembedding
  double attention_flops = 0;  // QK^T and AV: 4 x n_heads x d_head x attended positions
  double weight_bytes = 0;     // every matmul weight read once per pass (batch shares the read)
  double kv_read_bytes = 0;    // cached keys and values read by attention
  double kv_write_bytes = 0;   // keys and values of the new tokens appended to the cache
};

// One forward pass of `batch` sequences, each adding `new_tokens` tokens after `context_before`
// cached ones (prefill: context_before = 0, new_tokens = prompt; decode step: new_tokens = 1).
// Attention is causal: new token i attends to context_before + i + 1 positions. The unembedding
// (logits) is counted for the last new token of each sequence only when `all_logits` is false
// (generation needs one token's logits; scoring needs all). The embedding lookup is not a matmul.
// `kv_bytes_per_element` is 2 for the bf16 cache the paper assumes.
ForwardCounts CountForward(const model::ModelConfig& m, int64_t batch, int64_t context_before,
                           int64_t new_tokens, model::WeightFormat weights, bool all_logits,
                           int64_t kv_bytes_per_element = model::kKvBytesPerElement);

}  // namespace esti::cost
