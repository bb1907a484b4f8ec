#include "decoder/config.h"

#include <algorithm>
#include <string>

#include "common/checked.h"

namespace esti::decoder {

const char* ToString(WeightKind k) { return NameOf(k); }

namespace {

// a*b + c with overflow reported as nullopt.
std::optional<int64_t> MulAdd(int64_t a, int64_t b, int64_t c) {
  auto p = CheckedMul(a, b);
  return p ? CheckedAdd(*p, c) : std::nullopt;
}

Error TooLarge(const std::string& path, const std::string& what) {
  return MakeError(codes::kTooLarge, path,
                   "memory for " + what + " exceeds the decoder's limit of " +
                       std::to_string(kMaxDecoderBytes >> 20) + " MiB");
}

}  // namespace

Result<MemoryPlan> PlanMemory(const model::ModelConfig& m, WeightKind kind, const RunLimits& limits,
                              const std::string& model_path) {
  if (m.ffn_type != model::FfnType::kSwiglu) {
    return MakeError(codes::kInvalidValue, model_path + "/ffn_type",
                     "the reference decoder runs SwiGLU FFNs only (got gelu)");
  }
  if (m.d_head % 2 != 0) {
    return MakeError(codes::kInvalidValue, model_path + "/d_head",
                     "rotary embeddings need an even d_head");
  }
  if (m.n_kv_heads < 1 || m.n_heads % m.n_kv_heads != 0) {
    return MakeError(codes::kInvalidValue, model_path + "/n_kv_heads", "must divide n_heads");
  }
  if (limits.batch < 1 || limits.batch > kMaxBatch) {
    return MakeError(codes::kOutOfRange, "/batch",
                     "batch must be in 1.." + std::to_string(kMaxBatch));
  }
  if (limits.max_seq_len < 1 || limits.max_seq_len > kMaxSequenceLength) {
    return MakeError(
        codes::kTooLarge, "/tokens",
        "prompt + generated tokens must be in 1.." + std::to_string(kMaxSequenceLength));
  }
  if (limits.max_tokens_per_pass < 1 ||
      limits.max_tokens_per_pass > limits.batch * limits.max_seq_len) {
    return MakeError(codes::kOutOfRange, "/prompt", "tokens per pass out of range");
  }
  // Model dimensions are bounded by io (kMaxDim etc.), so each product of two fits int64; the sums
  // over layers are checked anyway.
  const int64_t e = m.d_model, f = m.d_ff, qw = m.n_heads * m.d_head, kvw = m.n_kv_heads * m.d_head;
  const int64_t layer_elems = e * qw * 2 + e * kvw * 2 + 3 * e * f;
  const int64_t layer_rows = qw + 2 * kvw + e + 2 * f + e;
  const int64_t bytes_per = kind == WeightKind::kInt8 ? 1 : 4;
  const int64_t scale_bytes_per_row = kind == WeightKind::kInt8 ? 4 : 0;
  const int64_t norms = (m.block_type == model::BlockType::kParallel ? 1 : 2);
  MemoryPlan p;
  auto layer = MulAdd(layer_elems, bytes_per, layer_rows * scale_bytes_per_row + norms * e * 4);
  auto layers = layer ? CheckedMul(*layer, m.n_layers) : std::nullopt;
  const int64_t tables = m.shared_embedding ? 1 : 2;
  auto table = MulAdd(m.vocab_size * e, bytes_per, m.vocab_size * scale_bytes_per_row);
  auto tables_b = table ? CheckedMul(*table, tables) : std::nullopt;
  auto weights = layers && tables_b ? CheckedAdd(*layers, *tables_b + e * 4) : std::nullopt;
  if (!weights || *weights > kMaxDecoderBytes) return TooLarge(model_path, "the weights");
  p.weight_bytes = *weights;
  // KV cache: K and V, fp32.
  auto kv = CheckedMul(2 * m.n_layers * limits.batch, limits.max_seq_len);
  if (kv) kv = CheckedMul(*kv, kvw * kKvCacheBytesPerElement);
  if (!kv || *kv > kMaxDecoderBytes) return TooLarge("/tokens", "the KV cache");
  p.kv_cache_bytes = *kv;
  // Scratch: ten fp32 activation buffers of at most max(E, F, H*d_head) per token, the quantized
  // input (1 + 2 bytes per element), int32 accumulators, RoPE tables, scores and logits.
  // The unembedding runs on one vector per sequence: logits and accumulators of [batch, vocab].
  const int64_t width = std::max({e, f, qw});
  auto per_token = CheckedMul(width, 10 * 4 + 3 + 4);
  auto scratch = per_token ? MulAdd(*per_token, limits.max_tokens_per_pass,
                                    limits.max_seq_len * 4 + limits.batch * m.vocab_size * 8)
                           : std::nullopt;
  if (!scratch || *scratch > kMaxDecoderBytes)
    return TooLarge("/prompt", "the activations of one pass");
  p.scratch_bytes = *scratch;
  p.total_bytes = p.weight_bytes + p.kv_cache_bytes + p.scratch_bytes;
  if (p.total_bytes > kMaxDecoderBytes) {
    return TooLarge(model_path, "weights (" + std::to_string(p.weight_bytes >> 20) +
                                    " MiB) + KV cache (" + std::to_string(p.kv_cache_bytes >> 20) +
                                    " MiB) + activations (" +
                                    std::to_string(p.scratch_bytes >> 20) + " MiB)");
  }
  return p;
}

}  // namespace esti::decoder
