// The reference decoder: a PaLM-style decoder-only transformer (RMSNorm, parallel or serial block,
// SwiGLU FFN, rotary embeddings, multiquery / grouped / multi-head attention by n_kv_heads, shared
// or separate embeddings, no biases) with its run state (KV cache, scratch) and operation counts.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "decoder/config.h"
#include "decoder/kernels.h"
#include "decoder/quantize.h"
#include "decoder/weights.h"
#include "esti/common/result.h"
#include "model/model.h"

namespace esti::decoder {

// Counted as the decoder runs; the same quantities as cost::ForwardCounts (tests compare them).
struct Counts {
  double matmul_flops = 0;        // 2 x rows x cols per matrix-vector product
  double attention_flops = 0;     // 4 x d_head per (query head, attended position)
  double weight_bytes = 0;        // matrix payload read (1 byte int8, 4 bytes fp32), once per pass
  double weight_scale_bytes = 0;  // int8 per-row fp32 scales, read alongside (not in cost::)
  double embedding_lookup_bytes = 0;  // input embedding rows gathered (not a matmul; not in cost::)
  double kv_read_bytes = 0;   // distinct cached K/V bytes attention reads, per sequence per pass
  double kv_write_bytes = 0;  // K/V of the new tokens appended to the cache
  Counts& operator+=(const Counts& o);
};

class Decoder {
 public:
  // Checks the model and limits (PlanMemory) and the weights' shapes, then allocates the KV cache.
  static Result<Decoder> Create(const model::ModelConfig& m, Weights weights,
                                const RunLimits& limits);

  // One forward pass. tokens[b] are the new tokens of sequence slot b (tokens.size() <= batch;
  // an empty list leaves that sequence untouched). Their K/V are appended to the cache and the
  // logits of each sequence's last new token are left in Logits(b). Errors (nothing changed):
  // out_of_range for a token outside the vocabulary, too_large when a sequence would exceed
  // max_seq_len or the pass max_tokens_per_pass. Returns the number of tokens processed.
  Result<int64_t> Forward(const std::vector<std::vector<int32_t>>& tokens);

  std::span<const float> Logits(int64_t b) const;  // [vocab]
  int64_t Position(int64_t b) const { return positions_[b]; }
  void Reset();  // empties every sequence (the weights stay)

  const Counts& counts() const { return counts_; }
  void ResetCounts() { counts_ = {}; }
  // Int8 path only: FNV-1a per layer (plus one for the unembedding) over every int8 activation
  // vector fed to a matrix product and every int32 accumulator it produced, folded over all passes.
  const std::vector<uint64_t>& layer_hashes() const { return hashes_; }
  // Hashing reads every accumulator byte serially (~5% of a large model's step): off for speed.
  void set_trace_hashes(bool on) { trace_hashes_ = on; }

  Int8Kernel kernel() const { return kernel_; }
  void set_kernel(Int8Kernel k) { kernel_ = k; }
  const model::ModelConfig& model() const { return m_; }
  const Weights& weights() const { return w_; }
  const RunLimits& limits() const { return limits_; }

 private:
  Decoder() = default;
  // out [n, rows] = x [n, cols] W^T. For int8, `acts` holds x already quantized (so one
  // quantization serves Q, K, V, gate and up when they share an input).
  void MatMul(const Matrix& w, const float* x, int64_t n, float* out, int hash_slot);
  void QuantizeInput(const float* x, int64_t n, int64_t cols);
  void MatMulQuantized(const Matrix& w, int64_t n, float* out, int hash_slot);
  void RmsNorm(const float* x, const std::vector<float>& gain, int64_t n, float* out) const;

  model::ModelConfig m_;
  Weights w_;
  RunLimits limits_;
  Int8Kernel kernel_ = Int8Kernel::kPortable;
  bool trace_hashes_ = true;
  Counts counts_;
  std::vector<uint64_t> hashes_;    // [n_layers + 1]
  std::vector<int64_t> positions_;  // [batch] tokens cached per sequence
  // KV cache: [layer][batch][max_seq_len][n_kv_heads * d_head] for K and for V.
  std::vector<float> k_cache_, v_cache_;
  std::vector<float> logits_;  // [batch, vocab]
  // Scratch for one pass of n tokens.
  std::vector<float> x_, h_, q_, k_, v_, att_, o_, gate_, up_, ffn_;  // [n, width]
  std::vector<float> scores_;                                         // [max_seq_len]
  std::vector<double> rope_cos_, rope_sin_;                           // [n, d_head / 2]
  QuantizedActs acts_;
  std::vector<int32_t> acc_;  // [n, max rows]
};

}  // namespace esti::decoder
