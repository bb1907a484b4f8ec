#include "model/model.h"

#include <gtest/gtest.h>

#include "io/spec_io.h"

namespace esti {
namespace {

model::ModelConfig Preset(const std::string& id) {
  Result<model::ModelConfig> m = io::ParseModel(io::Json(id), "/model");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.value();
}

// PaLM parameter counts (Chowdhery et al. 2022, Table 1): 8.63B / 62.50B / 540.35B, V = 256,000.
TEST(ParamCount, PalmFamilyMatchesPaperToFourDigits) {
  EXPECT_NEAR(model::CountParams(Preset("palm-8b")).total / 1e9, 8.632, 0.0005);
  EXPECT_NEAR(model::CountParams(Preset("palm-62b")).total / 1e9, 62.50, 0.005);
  EXPECT_NEAR(model::CountParams(Preset("palm-540b")).total / 1e9, 540.35, 0.005);
}

// ESTI §4: padding 48 -> 64 heads adds 2·E·16·256·118 = 17.82B, 558.2B in total.
TEST(ParamCount, PaddedHeadsAdd18B) {
  double padded = model::CountParams(Preset("palm-540b-padded")).total;
  double base = model::CountParams(Preset("palm-540b")).total;
  EXPECT_NEAR(padded / 1e9, 558.2, 0.05);
  EXPECT_DOUBLE_EQ(padded - base, 2.0 * 18432 * 16 * 256 * 118);
}

TEST(ParamCount, BreakdownOf8BByComponent) {
  model::ParamBreakdown p = model::CountParams(Preset("palm-8b"));
  EXPECT_DOUBLE_EQ(p.ffn, 3.0 * 4096 * 16384 * 32);                              // 6.442B
  EXPECT_DOUBLE_EQ(p.attention(), (2.0 * 4096 * 4096 + 2.0 * 4096 * 256) * 32);  // 1.141B
  EXPECT_DOUBLE_EQ(p.embedding, 256000.0 * 4096);                                // 1.049B, shared
  EXPECT_DOUBLE_EQ(p.norm_scales, (32.0 + 1) * 4096);  // 1 per parallel layer + final
  EXPECT_DOUBLE_EQ(p.total, p.non_embedding + p.embedding);
}

// KV bytes per token: K and V (2) · layers · KV heads · d_head · 2 bytes (bf16), ESTI §3.3.
TEST(KvCache, BytesPerTokenMatchPaper) {
  EXPECT_DOUBLE_EQ(model::KvBytesPerToken(Preset("palm-540b")), 120832);
  EXPECT_DOUBLE_EQ(model::KvBytesPerToken(Preset("palm-62b")), 65536);
  EXPECT_DOUBLE_EQ(model::KvBytesPerToken(Preset("palm-8b")), 32768);
  EXPECT_DOUBLE_EQ(model::KvBytesPerToken(Preset("palm-540b-multihead")), 2.0 * 118 * 64 * 128 * 2);
}

// ESTI §2.1: a 500B+ multihead model at batch 512, context 2048 has a 3 TB KV cache (PaLM 540B's
// shape with 48 heads of 128 each for K and V: 2·118·48·128·2 B · 512 · 2048 = 2.97e12 B).
TEST(KvCache, ThreeTerabytesForMultihead540B) {
  model::ModelConfig m = Preset("palm-540b");
  m.n_kv_heads = m.n_heads = 48;
  m.d_head = 128;
  EXPECT_NEAR(model::KvBytesPerToken(m) * 512 * 2048 / 1e12, 3.04, 0.005);
}

// Large values must survive in 64 bits / double (size_t is 32-bit in wasm).
TEST(KvCache, HugeCacheIsNotTruncated) {
  model::ModelConfig m = Preset("palm-540b-multihead");
  double bytes = model::KvBytesPerToken(m) * 4096 * 32768;
  EXPECT_GT(bytes, 1e14);
  EXPECT_DOUBLE_EQ(bytes, 2.0 * 118 * 64 * 128 * 2 * 4096 * 32768);
}

TEST(WeightBytes, Int8IsHalfOfBf16) {
  model::ModelConfig m = Preset("palm-540b");
  EXPECT_DOUBLE_EQ(model::WeightBytes(m, model::WeightFormat::kBf16),
                   2 * model::WeightBytes(m, model::WeightFormat::kInt8));
  EXPECT_NEAR(model::WeightBytes(m, model::WeightFormat::kBf16) / 1e12, 1.0807, 0.0001);
}

TEST(Nominal, MfuUsesNominalSize) {
  EXPECT_DOUBLE_EQ(model::NominalParams(Preset("palm-540b-padded")), 540e9);
  model::ModelConfig tiny = Preset("tiny");
  EXPECT_DOUBLE_EQ(model::NominalParams(tiny), model::CountParams(tiny).total);
}

TEST(ModelTypes, MultiqueryGroupedAndMultiheadAreOneType) {
  model::ModelConfig m = Preset("tiny");
  double mq = model::KvBytesPerToken(m);
  m.n_kv_heads = 2;
  EXPECT_DOUBLE_EQ(model::KvBytesPerToken(m), 2 * mq);
  m.n_kv_heads = m.n_heads;
  EXPECT_DOUBLE_EQ(model::KvBytesPerToken(m), static_cast<double>(m.n_heads) * mq);
}

}  // namespace
}  // namespace esti
