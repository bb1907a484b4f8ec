#include "mesh/sharded_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "decoder/decoder.h"
#include "mesh/accounting.h"
#include "mesh/mesh_fixture.h"
#include "mesh/padding.h"

namespace esti::mesh {
namespace {

using cost::AttentionSharding;
using cost::FfnLayout;
using decoder::WeightKind;
using namespace esti::mesh::testing;

const std::vector<MeshShape> kMeshes = {
    {{1, 1, 1}}, {{2, 1, 1}}, {{2, 2, 1}}, {{2, 2, 2}}, {{4, 2, 1}}};

// Runs one layout on one mesh and checks tokens, logits, bytes and memory against the
// unsharded decoder and the cost model.
void CheckLayout(const model::ModelConfig& m, WeightKind kind, const MeshShape& shape,
                 const Layout& layout, const Generation& ref, int64_t batch = kBatch) {
  SCOPED_TRACE(std::string(cost::ToString(layout.ffn)) + " " + cost::ToString(layout.attention) +
               " on " + shape.ToString() + " kv=" + std::to_string(m.n_kv_heads) + " " +
               model::ToString(m.block_type) + " " + decoder::ToString(kind) + " batch " +
               std::to_string(batch));
  LocalMesh mesh(shape);
  Collectives col(&mesh);
  const decoder::Weights w = decoder::GenerateWeights(m, kind, 3);
  Result<ShardedDecoder> made = ShardedDecoder::Create(m, w, Limits(batch), layout, &col);
  ASSERT_TRUE(made.ok()) << made.error().path << ": " << made.error().message;
  ShardedDecoder& sd = made.value();
  const Generation got = Generate(sd, m, batch, &col);
  ExpectBytesEqualTheModel(got, sd, shape, layout, kind, batch);
  EXPECT_EQ(got.tokens, ref.tokens);
  // Int8: bit-exact. Fp32: partial sums added across chips in another order (see the header).
  ASSERT_EQ(got.logits.size(), ref.logits.size());
  int64_t differ = 0;
  float worst = 0;
  for (size_t i = 0; i < got.logits.size(); ++i) {
    differ += got.logits[i] != ref.logits[i];
    worst =
        std::max(worst, std::fabs(got.logits[i] - ref.logits[i]) / (1 + std::fabs(ref.logits[i])));
  }
  if (kind == WeightKind::kInt8) {
    EXPECT_EQ(differ, 0) << "worst relative difference " << worst;
  } else {
    EXPECT_LT(worst, 1e-4f);
  }
  // Per-chip memory equals the cost model's per-chip weight and KV elements.
  const ModelMemory mm =
      ModelMemoryPerChip(sd.executed_model(), shape, layout, kind, batch, Limits().max_seq_len);
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
// sequences: the real sequences still get the unsharded decoder's tokens and logits, and the
// collectives move exactly what the cost model predicts for the padded batch.
TEST(ShardedDecoder, PaddedBatchesGiveTheSameTokensAndPredictedBytes) {
  const model::ModelConfig m = Small(1);
  for (int64_t batch : {1, 3}) {
    const Generation ref = Reference(m, WeightKind::kInt8, batch);
    for (const MeshShape& shape :
         {MeshShape{{2, 1, 1}}, MeshShape{{2, 2, 2}}, MeshShape{{4, 2, 1}}})
      for (FfnLayout lay : kLayouts)
        for (AttentionSharding a : {AttentionSharding::kHeads, AttentionSharding::kBatch}) {
          CheckLayout(m, WeightKind::kInt8, shape, {lay, a}, ref, batch);
          LocalMesh mesh(shape);
          Collectives col(&mesh);
          Result<ShardedDecoder> sd = ShardedDecoder::Create(
              m, decoder::GenerateWeights(m, WeightKind::kInt8, 3), Limits(batch), {lay, a}, &col);
          ASSERT_TRUE(sd.ok());
          const bool pads = (lay != FfnLayout::kWs1d && lay != FfnLayout::kWs2d) ||
                            a == AttentionSharding::kBatch;
          bool listed = false;
          for (const Padding& p : sd->padding())
            listed = listed || ((p.tensor == "batch" || p.tensor == "attention_batch") &&
                                p.how == "padded" && p.executed > p.size);
          EXPECT_EQ(listed, pads) << cost::ToString(lay) << " " << cost::ToString(a);
        }
  }
}

// Dimensions that do not divide over the chips are padded (ESTI §3.3), and the padding is listed:
// d_model 36, d_ff 100 and 6 query heads on meshes of 2 to 8 chips, multiquery and multi-head.
TEST(ShardedDecoder, NonDividingDimensionsArePaddedWithTheSameTokens) {
  for (int64_t kv : {1, 6}) {
    for (WeightKind kind : {WeightKind::kInt8, WeightKind::kFp32}) {
      model::ModelConfig m = Small(kv);
      m.d_model = 36;
      m.d_ff = 100;
      m.n_heads = 6;
      m.n_kv_heads = kv;
      const Generation ref = Reference(m, kind);
      for (const MeshShape& shape :
           {MeshShape{{2, 2, 1}}, MeshShape{{2, 2, 2}}, MeshShape{{4, 2, 1}}})
        for (FfnLayout lay : kLayouts)
          for (AttentionSharding a : {AttentionSharding::kHeads, AttentionSharding::kBatch})
            CheckLayout(m, kind, shape, {lay, a}, ref);
      // What 8 chips of ws1d with attention over heads pad: E 36 -> 40, F 100 -> 104, heads 6 -> 8.
      LocalMesh mesh(MeshShape{{2, 2, 2}});
      Collectives col(&mesh);
      Result<ShardedDecoder> sd =
          ShardedDecoder::Create(m, decoder::GenerateWeights(m, kind, 3), Limits(),
                                 {FfnLayout::kWs1d, AttentionSharding::kHeads}, &col);
      ASSERT_TRUE(sd.ok());
      std::vector<std::string> got;
      for (const Padding& p : sd->padding())
        got.push_back(p.how + " " + p.tensor + " " + std::to_string(p.size) + "->" +
                      std::to_string(p.executed));
      std::vector<std::string> want = {"padded d_model 36->40", "padded d_ff 100->104",
                                       "padded n_heads 6->8"};
      if (kv == 6) want.push_back("padded n_kv_heads 6->8");
      if (kv == 1) want.push_back("replicated n_kv_heads 1->8");
      EXPECT_EQ(got, want);
    }
  }
}

// Padding is bounded: d_model 2 padded to 64 over 64 chips makes 3 x 64 x 6e6 FFN weights
// (1.15 GB) which, with one pass's activations (0.85 GB), pass decoder::kMaxDecoderBytes, although
// the model itself (0.93 GB in all) is within it. The refusal comes before any shard is made (the
// weights here are only shaped, never read).
TEST(ShardedDecoder, PaddingPastTheDecodersMemoryLimitIsRefusedFirst) {
  model::ModelConfig m = Small(1);
  m.n_layers = 1;
  m.d_model = 2;
  m.n_heads = 1;
  m.d_head = 2;
  m.d_ff = 6'000'000;
  m.vocab_size = 4;
  decoder::Weights shaped;
  shaped.kind = WeightKind::kInt8;
  shaped.layers.resize(1);
  shaped.embedding.rows = m.vocab_size;
  ASSERT_TRUE(decoder::PlanMemory(m, WeightKind::kInt8, Limits(1)).ok());
  LocalMesh mesh(MeshShape{{4, 4, 4}});
  Collectives col(&mesh);
  Result<ShardedDecoder> r = ShardedDecoder::Create(
      m, shaped, Limits(), {FfnLayout::kWs1d, AttentionSharding::kBatch}, &col);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, codes::kTooLarge) << r.error().message;
}

TEST(ShardedDecoder, LayoutsTheMeshCannotHoldAreCodedErrors) {
  LocalMesh mesh(MeshShape{{2, 2, 1}});
  Collectives col(&mesh);
  // 6 query heads in groups of 3 (2 K/V heads), padded to 8 over 4 chips: chip 1 holds heads 2
  // and 3, of two different K/V heads, and can cache only one.
  model::ModelConfig m = Small(2);
  m.n_heads = 6;
  Result<ShardedDecoder> r =
      ShardedDecoder::Create(m, decoder::GenerateWeights(m, WeightKind::kInt8, 1), Limits(),
                             {FfnLayout::kWs1d, AttentionSharding::kHeads}, &col);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, codes::kInvalidValue);
  EXPECT_EQ(r.error().path, "/attention_sharding");
  // A K/V width (1 head x 2) that does not divide over 4 chips.
  m = Small(1);
  m.d_head = 2;
  r = ShardedDecoder::Create(m, decoder::GenerateWeights(m, WeightKind::kInt8, 1), Limits(),
                             {FfnLayout::kWs2d, AttentionSharding::kBatch}, &col);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, codes::kInvalidValue);
  EXPECT_EQ(r.error().path, "/ffn_layout");
}

}  // namespace
}  // namespace esti::mesh
