// What the reference decoder runs: a model shape (the cost model's ModelConfig), a weight format
// and the run limits that size the KV cache and scratch buffers. Everything is checked, and the
// memory need computed in int64, before anything is allocated.
#pragma once

#include <cstdint>

#include "esti/common/result.h"
#include "model/model.h"

namespace esti::decoder {

enum class WeightKind { kFp32, kInt8 };
inline constexpr EnumEntry<WeightKind> kWeightKindNames[] = {
    {WeightKind::kInt8, "int8", "int8 (per-row scales)"}, {WeightKind::kFp32, "fp32", "fp32"}};
constexpr std::span<const EnumEntry<WeightKind>> EnumTable(WeightKind) { return kWeightKindNames; }
const char* ToString(WeightKind k);

// Architecture constants not in ModelConfig (PaLM §2; the same values as Llama-style checkpoints).
inline constexpr float kRmsNormEpsilon = 1e-6f;
inline constexpr double kRopeTheta = 10000.0;  // RoPE base (Su et al. 2021)
// The KV cache holds fp32 K and V (4 bytes per element; the paper's bf16 would be 2).
inline constexpr int64_t kKvCacheBytesPerElement = 4;

// Limits on one run. In wasm the module's memory is at most 2 GiB; the decoder must fit below that
// with room for the JS side, so one limit serves both builds.
inline constexpr int64_t kMaxBatch = 64;
inline constexpr int64_t kMaxSequenceLength = 8192;  // prompt + generated tokens per sequence
inline constexpr int64_t kMaxDecoderBytes = int64_t{1536}
                                            << 20;  // 1.5 GiB: weights + cache + scratch

struct RunLimits {
  int64_t batch = 1;                // sequences run together (KV cache slots)
  int64_t max_seq_len = 0;          // positions per sequence (KV cache depth)
  int64_t max_tokens_per_pass = 0;  // new tokens over all sequences in one forward pass
};

// Bytes the decoder will allocate, by part (int64: 540B-scale configs overflow 32 bits).
struct MemoryPlan {
  int64_t weight_bytes = 0;    // matrices (int8 payload or fp32), scales, norm gains
  int64_t kv_cache_bytes = 0;  // 2 x layers x batch x max_seq_len x n_kv_heads x d_head x 4
  int64_t scratch_bytes = 0;   // activations of one pass, attention scores, logits
  int64_t total_bytes = 0;
};

// Fails with invalid_value for a model the decoder cannot run (GELU FFN, odd d_head for RoPE),
// out_of_range for bad limits, too_large when the memory need exceeds kMaxDecoderBytes. `path` is
// the JSON pointer used for model errors ("/model").
Result<MemoryPlan> PlanMemory(const model::ModelConfig& m, WeightKind kind, const RunLimits& limits,
                              const std::string& model_path = "/model");

}  // namespace esti::decoder
