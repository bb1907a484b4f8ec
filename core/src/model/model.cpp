#include "model/model.h"

namespace esti::model {

namespace {
double D(int64_t v) { return static_cast<double>(v); }
int64_t NormsPerLayer(const ModelConfig& m) { return m.block_type == BlockType::kParallel ? 1 : 2; }
}  // namespace

ParamBreakdown CountParams(const ModelConfig& m) {
  const double e = D(m.d_model), l = D(m.n_layers);
  ParamBreakdown p;
  p.attention_q = l * e * D(m.n_heads) * D(m.d_head);
  p.attention_kv = l * e * 2 * D(m.n_kv_heads) * D(m.d_head);
  p.attention_o = l * D(m.n_heads) * D(m.d_head) * e;
  p.ffn = l * (m.ffn_type == FfnType::kSwiglu ? 3 : 2) * e * D(m.d_ff);
  p.norm_scales = (l * D(NormsPerLayer(m)) + 1) * e;
  p.embedding = D(m.vocab_size) * e * (m.shared_embedding ? 1 : 2);
  p.non_embedding = p.attention() + p.ffn;
  p.total = p.non_embedding + p.embedding;
  return p;
}

double LayerMatmulParams(const ModelConfig& m) {
  const double e = D(m.d_model);
  return e * D(m.n_heads) * D(m.d_head) * 2 + e * 2 * D(m.n_kv_heads) * D(m.d_head) +
         (m.ffn_type == FfnType::kSwiglu ? 3 : 2) * e * D(m.d_ff);
}

double NominalParams(const ModelConfig& m) {
  return m.nominal_params > 0 ? m.nominal_params : CountParams(m).total;
}

double KvBytesPerToken(const ModelConfig& m) {
  return 2.0 * D(m.n_layers) * D(m.n_kv_heads) * D(m.d_head) * D(kKvBytesPerElement);
}

double KvBytesPerToken(const ModelConfig& m, KvFormat f) {
  return 2.0 * D(m.n_layers) * D(m.n_kv_heads) * D(m.d_head) * KvBytesPerElement(f);
}

double WeightBytes(const ModelConfig& m, WeightFormat f) {
  return CountParams(m).total * BytesPerWeight(f);
}

const char* ToString(FfnType t) { return NameOf(t); }
const char* ToString(BlockType t) { return NameOf(t); }
const char* ToString(WeightFormat f) { return NameOf(f); }
const char* ToString(KvFormat f) { return NameOf(f); }

}  // namespace esti::model
