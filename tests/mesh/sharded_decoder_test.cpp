#include "esti/mesh/sharded_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "esti/decoder/decoder.h"
#include "esti/mesh/accounting.h"

namespace esti::mesh {
namespace {

using cost::AttentionSharding;
using cost::FfnLayout;
using decoder::WeightKind;

model::ModelConfig Small(int64_t kv_heads, model::BlockType block = model::BlockType::kParallel) {
  model::ModelConfig m;
  m.id = "mesh-test";
  m.n_layers = 2;
  m.d_model = 64;
  m.d_ff = 128;
  m.n_heads = 8;
  m.n_kv_heads = kv_heads;
  m.d_head = 8;
  m.vocab_size = 96;
  m.block_type = block;
  m.shared_embedding = block == model::BlockType::kParallel;
  return m;
}

constexpr int64_t kBatch = 8, kPromptLen = 3, kSteps = 3;

decoder::RunLimits Limits() {
  decoder::RunLimits l;
  l.batch = kBatch;
  l.max_seq_len = kPromptLen + kSteps;
  l.max_tokens_per_pass = kBatch * kPromptLen;
  return l;
}

int32_t ArgMax(std::span<const float> l) {
  return static_cast<int32_t>(std::max_element(l.begin(), l.end()) - l.begin());
}

struct Generation {
  std::vector<std::vector<int32_t>> tokens;
  std::vector<std::vector<float>> logits;  // last pass, per sequence
};

std::vector<std::vector<int32_t>> Prompts(const model::ModelConfig& m) {
  std::vector<std::vector<int32_t>> p(kBatch);
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t i = 0; i < kPromptLen; ++i)
      p[b].push_back(static_cast<int32_t>((b * 31 + i * 7 + 1) % m.vocab_size));
  return p;
}

template <class D>
Generation Generate(D& dec, const model::ModelConfig& m) {
  Generation r;
  r.tokens.assign(kBatch, {});
  std::vector<std::vector<int32_t>> in = Prompts(m);
  for (int64_t step = 0; step <= kSteps - 1; ++step) {
    Result<int64_t> ok = dec.Forward(in);
    EXPECT_TRUE(ok.ok()) << (ok.ok() ? "" : ok.error().message);
    if (!ok.ok()) return r;
    r.logits.clear();
    for (int64_t b = 0; b < kBatch; ++b) {
      r.tokens[b].push_back(ArgMax(dec.Logits(b)));
      r.logits.emplace_back(dec.Logits(b).begin(), dec.Logits(b).end());
      in[b] = {r.tokens[b].back()};
    }
  }
  return r;
}

Generation Reference(const model::ModelConfig& m, WeightKind kind) {
  decoder::Decoder d =
      decoder::Decoder::Create(m, decoder::GenerateWeights(m, kind, 3), Limits()).value();
  return Generate(d, m);
}

const std::vector<MeshShape> kMeshes = {
    {{1, 1, 1}}, {{2, 1, 1}}, {{2, 2, 1}}, {{2, 2, 2}}, {{4, 2, 1}}};

// Runs one layout on one mesh and checks tokens, logits, bytes and memory against the
// unsharded decoder and the cost model.
void CheckLayout(const model::ModelConfig& m, WeightKind kind, const MeshShape& shape,
                 const Layout& layout, const Generation& ref) {
  SCOPED_TRACE(std::string(cost::ToString(layout.ffn)) + " " + cost::ToString(layout.attention) +
               " on " + shape.ToString() + " kv=" + std::to_string(m.n_kv_heads) + " " +
               model::ToString(m.block_type) + " " + decoder::ToString(kind));
  LocalMesh mesh(shape);
  Collectives col(&mesh);
  const decoder::Weights w = decoder::GenerateWeights(m, kind, 3);
  Result<ShardedDecoder> made = ShardedDecoder::Create(m, w, Limits(), layout, &col);
  ASSERT_TRUE(made.ok()) << made.error().path << ": " << made.error().message;
  ShardedDecoder& sd = made.value();

  // Prefill alone first: its collectives against the cost model's for a prefill pass.
  std::vector<std::vector<int32_t>> in = Prompts(m);
  ASSERT_TRUE(sd.Forward(in).ok());
  std::vector<CollectiveRow> rows =
      CompareWithModel(col.records(), m, shape, layout, kind, kBatch, kPromptLen, 1);
  int in_model = 0;
  for (const CollectiveRow& r : rows) {
    if (!r.in_cost_model) continue;
    ++in_model;
    EXPECT_GT(r.calls, 0) << r.name;
    EXPECT_EQ(r.elements_measured, r.elements_model) << r.name << " over " << r.axes;
    EXPECT_TRUE(r.match) << r.name;
  }
  EXPECT_GT(in_model, 0);
  // Then decode steps (one token per sequence), compared per pass.
  Generation got;
  got.tokens.assign(kBatch, {});
  for (int64_t b = 0; b < kBatch; ++b) {
    got.tokens[b].push_back(ArgMax(sd.Logits(b)));
    in[b] = {got.tokens[b].back()};
  }
  col.ClearRecords();
  for (int64_t step = 1; step < kSteps; ++step) {
    ASSERT_TRUE(sd.Forward(in).ok());
    got.logits.clear();
    for (int64_t b = 0; b < kBatch; ++b) {
      got.tokens[b].push_back(ArgMax(sd.Logits(b)));
      got.logits.emplace_back(sd.Logits(b).begin(), sd.Logits(b).end());
      in[b] = {got.tokens[b].back()};
    }
  }
  rows = CompareWithModel(col.records(), m, shape, layout, kind, kBatch, 1, kSteps - 1);
  for (const CollectiveRow& r : rows) {
    if (r.in_cost_model) {
      EXPECT_TRUE(r.match) << "decode " << r.name;
    }
  }
  EXPECT_EQ(got.tokens, ref.tokens);
  // Int8: bit-exact. Fp32: partial sums added across chips in another order (see the header).
  ASSERT_EQ(got.logits.size(), ref.logits.size());
  int64_t differ = 0;
  float worst = 0;
  for (size_t b = 0; b < got.logits.size(); ++b)
    for (size_t v = 0; v < got.logits[b].size(); ++v) {
      const float d = std::fabs(got.logits[b][v] - ref.logits[b][v]);
      differ += got.logits[b][v] != ref.logits[b][v];
      worst = std::max(worst, d / (1 + std::fabs(ref.logits[b][v])));
    }
  if (kind == WeightKind::kInt8) {
    EXPECT_EQ(differ, 0) << "worst relative difference " << worst;
  } else {
    EXPECT_LT(worst, 1e-4f);
  }
  // Per-chip memory equals the cost model's per-chip weight and KV elements.
  const ModelMemory mm = ModelMemoryPerChip(m, shape, layout, kind, kBatch, Limits().max_seq_len);
  for (const ChipMemory& cm : sd.memory()) {
    EXPECT_EQ(static_cast<double>(cm.weight_elements), mm.weight_elements);
    EXPECT_EQ(static_cast<double>(cm.kv_cache_elements), mm.kv_cache_elements);
  }
}

const std::vector<FfnLayout> kLayouts = {FfnLayout::kWs1d, FfnLayout::kWs2d, FfnLayout::kWgX,
                                         FfnLayout::kWgXy, FfnLayout::kWgXyz};

TEST(ShardedDecoder, EveryLayoutAndMeshMatchesTheUnshardedDecoderInt8Multiquery) {
  const model::ModelConfig m = Small(1);
  const Generation ref = Reference(m, WeightKind::kInt8);
  for (const MeshShape& shape : kMeshes)
    for (FfnLayout l : kLayouts)
      for (AttentionSharding a : {AttentionSharding::kHeads, AttentionSharding::kBatch})
        CheckLayout(m, WeightKind::kInt8, shape, {l, a}, ref);
}

TEST(ShardedDecoder, GroupedAndMultiheadSerialAndFp32) {
  for (int64_t kv : {2, 8}) {
    for (model::BlockType block : {model::BlockType::kParallel, model::BlockType::kSerial}) {
      for (WeightKind kind : {WeightKind::kInt8, WeightKind::kFp32}) {
        const model::ModelConfig m = Small(kv, block);
        const Generation ref = Reference(m, kind);
        for (const MeshShape& shape : {MeshShape{{2, 2, 2}}, MeshShape{{4, 2, 1}}})
          for (FfnLayout l : kLayouts)
            for (AttentionSharding a : {AttentionSharding::kHeads, AttentionSharding::kBatch})
              CheckLayout(m, kind, shape, {l, a}, ref);
      }
    }
  }
}

TEST(ShardedDecoder, SerialMultiqueryInt8) {
  const model::ModelConfig m = Small(1, model::BlockType::kSerial);
  const Generation ref = Reference(m, WeightKind::kInt8);
  for (const MeshShape& shape : kMeshes)
    for (FfnLayout l : kLayouts)
      CheckLayout(m, WeightKind::kInt8, shape, {l, AttentionSharding::kHeads}, ref);
}

// A batch smaller than (or not a multiple of) the chips splitting it is padded with idle
// sequences: the real sequences still get the unsharded decoder's tokens and logits.
TEST(ShardedDecoder, PaddedBatchesGiveTheSameTokens) {
  const model::ModelConfig m = Small(1);
  for (int64_t batch : {1, 3}) {
    decoder::RunLimits l = Limits();
    l.batch = batch;
    l.max_tokens_per_pass = batch * kPromptLen;
    std::vector<std::vector<int32_t>> prompt = Prompts(m);
    prompt.resize(batch);
    decoder::Decoder ref =
        decoder::Decoder::Create(m, decoder::GenerateWeights(m, WeightKind::kInt8, 3), l).value();
    ASSERT_TRUE(ref.Forward(prompt).ok());
    const decoder::Weights w = decoder::GenerateWeights(m, WeightKind::kInt8, 3);
    for (const MeshShape& shape : {MeshShape{{2, 2, 2}}, MeshShape{{4, 2, 1}}})
      for (FfnLayout lay : kLayouts)
        for (AttentionSharding a : {AttentionSharding::kHeads, AttentionSharding::kBatch}) {
          SCOPED_TRACE(std::string(cost::ToString(lay)) + " " + cost::ToString(a) + " batch " +
                       std::to_string(batch) + " on " + shape.ToString());
          LocalMesh mesh(shape);
          Collectives col(&mesh);
          Result<ShardedDecoder> sd = ShardedDecoder::Create(m, w, l, {lay, a}, &col);
          ASSERT_TRUE(sd.ok()) << sd.error().message;
          ASSERT_TRUE(sd.value().Forward(prompt).ok());
          for (int64_t b = 0; b < batch; ++b) {
            const std::vector<float> got(sd->Logits(b).begin(), sd->Logits(b).end());
            const std::vector<float> want(ref.Logits(b).begin(), ref.Logits(b).end());
            EXPECT_EQ(got, want) << "sequence " << b;
          }
          const bool pads = (lay != FfnLayout::kWs1d && lay != FfnLayout::kWs2d) ||
                            a == AttentionSharding::kBatch;
          bool noted = false;
          for (const std::string& n : sd->notes()) noted = noted || n.rfind("padded", 0) == 0;
          EXPECT_EQ(noted, pads);
        }
  }
}

TEST(ShardedDecoder, LayoutsTheMeshCannotHoldAreCodedErrors) {
  model::ModelConfig m = Small(1);
  m.n_heads = 4;  // 4 heads over 8 chips for attention over heads
  m.d_head = 16;
  LocalMesh mesh(MeshShape{{2, 2, 2}});
  Collectives col(&mesh);
  const decoder::Weights w = decoder::GenerateWeights(m, WeightKind::kInt8, 1);
  Result<ShardedDecoder> r =
      ShardedDecoder::Create(m, w, Limits(), {FfnLayout::kWs1d, AttentionSharding::kHeads}, &col);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, codes::kInvalidValue);
  EXPECT_EQ(r.error().path, "/attention_sharding");
  m = Small(1);
  m.d_model = 36;  // not divisible by 8 chips
  m.d_head = 4;
  r = ShardedDecoder::Create(m, decoder::GenerateWeights(m, WeightKind::kInt8, 1), Limits(),
                             {FfnLayout::kWs2d, AttentionSharding::kBatch}, &col);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().path, "/mesh");
}

}  // namespace
}  // namespace esti::mesh
