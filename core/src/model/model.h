// Decoder-only transformer shapes. One type covers MHA, MQA and GQA (n_kv_heads), parallel and
// serial blocks, gated and plain FFNs, shared or separate embeddings.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "esti/common/enum_table.h"

namespace esti::model {

enum class FfnType { kSwiglu, kGelu };        // SwiGLU has 3 matrices, GELU 2 (PaLM §2)
enum class BlockType { kParallel, kSerial };  // y = x + FFN(LN x) + Attn(LN x) vs sequential
// Stored weight formats. int8 and int4 are weight-only (dequantised to the matmul format in the
// kernel, ESTI §3.6); fp8 is computed in fp8 where the chip has fp8 matmul units
// (cost::MatmulFormatFor, docs/formats.md).
enum class WeightFormat { kBf16, kInt8, kFp8, kInt4 };
// KV cache element formats (ESTI §3.3 keeps bf16; fp8 and int8 halve the cache).
enum class KvFormat { kBf16, kFp8, kInt8 };

inline constexpr EnumEntry<FfnType> kFfnTypeNames[] = {{FfnType::kSwiglu, "swiglu", "SwiGLU"},
                                                       {FfnType::kGelu, "gelu", "GELU"}};
inline constexpr EnumEntry<BlockType> kBlockTypeNames[] = {
    {BlockType::kParallel, "parallel", "Parallel (PaLM)"},
    {BlockType::kSerial, "serial", "Serial"}};
inline constexpr EnumEntry<WeightFormat> kWeightFormatNames[] = {
    {WeightFormat::kBf16, "bf16", "bf16"},
    {WeightFormat::kInt8, "int8", "int8 (weight-only)"},
    {WeightFormat::kFp8, "fp8", "fp8"},
    {WeightFormat::kInt4, "int4", "int4 (weight-only)"}};
inline constexpr EnumEntry<KvFormat> kKvFormatNames[] = {{KvFormat::kBf16, "bf16", "bf16"},
                                                         {KvFormat::kFp8, "fp8", "fp8"},
                                                         {KvFormat::kInt8, "int8", "int8"}};
constexpr std::span<const EnumEntry<FfnType>> EnumTable(FfnType) { return kFfnTypeNames; }
constexpr std::span<const EnumEntry<BlockType>> EnumTable(BlockType) { return kBlockTypeNames; }
constexpr std::span<const EnumEntry<WeightFormat>> EnumTable(WeightFormat) {
  return kWeightFormatNames;
}
constexpr std::span<const EnumEntry<KvFormat>> EnumTable(KvFormat) { return kKvFormatNames; }

struct ModelConfig {
  std::string id;
  std::string name;
  int64_t n_layers = 0;
  int64_t d_model = 0;     // E
  int64_t d_ff = 0;        // F
  int64_t n_heads = 0;     // query heads H
  int64_t n_kv_heads = 0;  // 1 = multiquery, n_heads = multihead, between = grouped
  int64_t d_head = 0;      // Q in the paper's Fig 5
  int64_t vocab_size = 0;
  FfnType ffn_type = FfnType::kSwiglu;
  BlockType block_type = BlockType::kParallel;
  bool shared_embedding = true;
  // The size MFU is computed with (ESTI §3.3, §4: nominal N, padded heads excluded;
  // docs/paper-data.md). 0 means "use the exact parameter count".
  double nominal_params = 0;
};

// Exact parameter counts by component. Doubles: 540B does not fit 32 bits, and every consumer
// does floating-point arithmetic with them anyway (exact below 2^53).
struct ParamBreakdown {
  double attention_q = 0;    // E x H*d_head per layer
  double attention_kv = 0;   // E x 2*n_kv*d_head per layer
  double attention_o = 0;    // H*d_head x E per layer
  double ffn = 0;            // 3 (gated) or 2 matrices of E x F per layer
  double embedding = 0;      // V x E, doubled when input and output embeddings are separate
  double non_embedding = 0;  // attention + ffn
  double total = 0;          // non_embedding + embedding
  // Norm scale vectors: 1 (parallel) or 2 (serial) per layer plus the final norm. Listed but not in
  // `total`: PaLM Table 1's counts (8.63B / 62.50B / 540.35B) are the matrices alone, and the
  // scales (2.2M for 540B) are below that precision and never matter for cost.
  double norm_scales = 0;
  double attention() const { return attention_q + attention_kv + attention_o; }
};

ParamBreakdown CountParams(const ModelConfig& m);

// Matmul weights of one layer (everything streamed from HBM per forward pass except norms).
double LayerMatmulParams(const ModelConfig& m);

// The N used for MFU and the 2N FLOPs/token rule.
double NominalParams(const ModelConfig& m);

// Bytes per weight: bf16 2, int8 and fp8 1, int4 0.5 (double: int4 is half a byte).
inline double BytesPerWeight(WeightFormat f) {
  switch (f) {
    case WeightFormat::kBf16:
      return 2;
    case WeightFormat::kInt8:
    case WeightFormat::kFp8:
      return 1;
    case WeightFormat::kInt4:
      return 0.5;
  }
  return 2;
}
inline double KvBytesPerElement(KvFormat f) { return f == KvFormat::kBf16 ? 2 : 1; }

// KV cache bytes per token of context for one sequence over all layers: 2 (K and V) x n_layers x
// n_kv_heads x d_head x bytes per element (ESTI §2.1, §3.3). The cache is bf16 (2 bytes).
inline constexpr int64_t kKvBytesPerElement = 2;
double KvBytesPerToken(const ModelConfig& m);
double KvBytesPerToken(const ModelConfig& m, KvFormat f);  // the same in another cache format

// Bytes of all weights in a format (int8: one byte per weight; per-channel scales, < 0.01% of the
// bytes, are not counted).
double WeightBytes(const ModelConfig& m, WeightFormat f);

const char* ToString(FfnType t);
const char* ToString(BlockType t);
const char* ToString(WeightFormat f);
const char* ToString(KvFormat f);

}  // namespace esti::model
