#include "cost/counts.h"

namespace esti::cost {

ForwardCounts CountForward(const model::ModelConfig& m, int64_t batch, int64_t context_before,
                           int64_t new_tokens, model::WeightFormat weights, bool all_logits,
                           int64_t kv_bytes_per_element) {
  const double b = static_cast<double>(batch), t = static_cast<double>(new_tokens);
  const double c0 = static_cast<double>(context_before);
  const double layers = static_cast<double>(m.n_layers);
  const double unembed = static_cast<double>(m.vocab_size) * static_cast<double>(m.d_model);
  const double logit_tokens = all_logits ? b * t : b;
  ForwardCounts out;
  out.matmul_flops = 2.0 * (model::LayerMatmulParams(m) * layers * b * t + unembed * logit_tokens);
  // Sum over new tokens of attended positions: t*c0 + t(t+1)/2.
  const double attended = t * c0 + t * (t + 1) / 2;
  const double head_width = static_cast<double>(m.n_heads) * static_cast<double>(m.d_head);
  out.attention_flops = 4.0 * head_width * attended * layers * b;
  out.weight_bytes =
      (model::LayerMatmulParams(m) * layers + unembed) * model::BytesPerWeight(weights);
  const double kv_token_bytes = 2.0 * layers * static_cast<double>(m.n_kv_heads) *
                                static_cast<double>(m.d_head) *
                                static_cast<double>(kv_bytes_per_element);
  // Each sequence's cache (old and new positions) is read once per pass; new positions written.
  out.kv_read_bytes = kv_token_bytes * (c0 + t) * b;
  out.kv_write_bytes = kv_token_bytes * t * b;
  return out;
}

}  // namespace esti::cost
