// Decoder weights: generated from the seeded PRNG (tests, demos, benchmarks) or built from named
// tensors (a safetensors checkpoint parsed by io). Matrices are [rows = outputs, cols = inputs],
// row-major, as in Llama-style checkpoints.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "decoder/config.h"
#include "esti/common/result.h"
#include "model/model.h"

namespace esti::decoder {

// A [rows, cols] weight matrix. fp32 matrices own their data; int8 matrices view their place in
// their Weights' arena (payload, then scales).
struct Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<float> f32;  // [rows, cols]  (kFp32 only)
  std::span<int8_t> q;     // [rows, cols]  (kInt8 only), row-major, or packed (kernels.h)
  bool packed = false;     // set by Decoder::Create for the kernels; PackedOffset finds (r, c)
  std::span<float> scale;  // [rows]        (kInt8 only): W[r, c] ~= q[r, c] * scale[r]
  int64_t Elements() const { return rows * cols; }
};

struct LayerWeights {
  std::vector<float> attn_norm;  // [E] RMSNorm gain before attention (and the FFN when parallel)
  std::vector<float> ffn_norm;   // [E] serial blocks only
  Matrix wq;                     // [H * d_head, E]
  Matrix wk;                     // [n_kv * d_head, E]
  Matrix wv;                     // [n_kv * d_head, E]
  Matrix wo;                     // [E, H * d_head]
  Matrix w_gate;                 // [F, E]
  Matrix w_up;                   // [F, E]
  Matrix w_down;                 // [E, F]
};

// Move-only: int8 matrices point into `arena`, whose buffer a move keeps and a copy would not.
struct Weights {
  Weights() = default;
  Weights(Weights&&) = default;
  Weights& operator=(Weights&&) = default;
  Weights(const Weights&) = delete;
  Weights& operator=(const Weights&) = delete;

  WeightKind kind = WeightKind::kInt8;
  std::vector<LayerWeights> layers;
  Matrix embedding;               // [V, E] input embedding (and output when shared)
  Matrix unembedding;             // [V, E] only when !shared_embedding
  std::vector<float> final_norm;  // [E]

  // Every int8 payload and scale vector, in one allocation, in the order Decoder::Forward reads
  // them, each starting on a 64-byte line. Batch-1 decode streams the whole model per token; one
  // sequential stream lets the hardware prefetcher (and the kernels' prefetch, which runs past the
  // end of a matrix) carry on from one matrix to the next, where separate allocations restart it
  // at every matrix (the kernel alone over the bench model's matrices: 0.85 of a plain read in one
  // arena, 0.78 in separate allocations, one run of a stand-alone experiment).
  struct alignas(64) Line {
    int8_t bytes[64];
  };
  std::vector<Line> arena;
};

// Weights of `m` with every shape set and zero-filled storage: int8 matrices laid out in `arena`
// in read order (MatricesInReadOrder), fp32 ones in their own vectors, norm gains of ones.
// Call PlanMemory first: it bounds the sizes.
Weights AllocateWeights(const model::ModelConfig& m, WeightKind kind);

// The matrices of `w` in the order Decoder::Forward reads them: per layer Q, K, V, then gate, up,
// W_o, down for a parallel block (W_o, gate, up, down for a serial one), then the output
// embedding. A separate input embedding (of which a pass reads one row per token) comes first.
std::vector<Matrix*> MatricesInReadOrder(const model::ModelConfig& m, Weights& w);

// Synthetic weights from `seed`: matrix and embedding entries uniform with variance 1 / fan_in
// (the embedding's d_model: small next to the blocks' outputs, so a random model does not just
// echo its input token through the tied unembedding), norm gains 1 +- 0.1. Each row is drawn in
// fp32 and quantized at once (per-row scales), so the int8 weights of a seed are exactly the
// quantized fp32 weights of the same seed, and no fp32 copy of a large model is ever held. Call
// PlanMemory first.
Weights GenerateWeights(const model::ModelConfig& m, WeightKind kind, uint64_t seed);

// A tensor of a checkpoint: little-endian data of `dtype` ("F32", "F16" or "BF16").
struct NamedTensor {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  std::span<const uint8_t> data;
};

// Builds weights from Llama-style names (model.embed_tokens.weight,
// model.layers.{i}.self_attn.{q,k,v,o}_proj.weight,
// model.layers.{i}.mlp.{gate,up,down}_proj.weight, model.layers.{i}.input_layernorm.weight,
// model.layers.{i}.post_attention_layernorm.weight (serial only), model.norm.weight, lm_head.weight
// (separate embeddings only)). RoPE is the half-split
// ("rotate_half") convention of those checkpoints. Errors: missing_field for an absent tensor,
// invalid_value for a wrong shape or dtype, unknown_key for an unexpected tensor; each with path
// "/<tensor name>".
Result<Weights> WeightsFromTensors(const model::ModelConfig& m, WeightKind kind,
                                   const std::vector<NamedTensor>& tensors);

// The tensors of fp32 `w` under the names above (data points into `w`): for writing checkpoints.
std::vector<NamedTensor> TensorsOf(const model::ModelConfig& m, const Weights& w);

}  // namespace esti::decoder
