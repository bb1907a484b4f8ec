// The sharded decoder under MPI (one rank per chip): run by ctest as
//   mpirun --allow-run-as-root --oversubscribe -np <chips> esti_mpi_tests <XxYxZ>
// Every rank also runs the unsharded decoder and the in-process mesh and checks that its tokens
// and int8 logits are identical and that its collectives moved the bytes the in-process mesh
// measured and the cost model predicts.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "esti/decoder/decoder.h"
#include "esti/mesh/accounting.h"
#include "esti/mesh/sharded_decoder.h"
#include "mpi_transport.h"

namespace esti {
namespace {

using cost::AttentionSharding;
using cost::FfnLayout;
using decoder::WeightKind;

mesh::MeshShape g_shape;

model::ModelConfig Small(int64_t kv_heads, model::BlockType block) {
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

struct Out {
  std::vector<std::vector<int32_t>> tokens;
  std::vector<float> logits;  // last pass, all sequences
  std::vector<mesh::CollectiveRecord> records;
};

template <class D>
Out Generate(D& dec, const model::ModelConfig& m, mesh::Collectives* col) {
  Out o;
  o.tokens.assign(kBatch, {});
  std::vector<std::vector<int32_t>> in(kBatch);
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t i = 0; i < kPromptLen; ++i)
      in[b].push_back(static_cast<int32_t>((b * 31 + i * 7 + 1) % m.vocab_size));
  for (int64_t step = 0; step < kSteps; ++step) {
    EXPECT_TRUE(dec.Forward(in).ok());
    o.logits.clear();
    for (int64_t b = 0; b < kBatch; ++b) {
      std::span<const float> l = dec.Logits(b);
      o.tokens[b].push_back(static_cast<int32_t>(std::max_element(l.begin(), l.end()) - l.begin()));
      o.logits.insert(o.logits.end(), l.begin(), l.end());
      in[b] = {o.tokens[b].back()};
    }
  }
  if (col) o.records = col->records();
  return o;
}

void Check(const model::ModelConfig& m, WeightKind kind, const mesh::Layout& layout) {
  SCOPED_TRACE(std::string(cost::ToString(layout.ffn)) + " " + cost::ToString(layout.attention) +
               " kv=" + std::to_string(m.n_kv_heads) + " " + model::ToString(m.block_type) + " " +
               decoder::ToString(kind) + " on " + g_shape.ToString());
  decoder::Decoder ref =
      decoder::Decoder::Create(m, decoder::GenerateWeights(m, kind, 3), Limits()).value();
  const Out want = Generate(ref, m, nullptr);
  const decoder::Weights w = decoder::GenerateWeights(m, kind, 3);

  mesh::LocalMesh local(g_shape);
  mesh::Collectives lcol(&local);
  mesh::ShardedDecoder ld = mesh::ShardedDecoder::Create(m, w, Limits(), layout, &lcol).value();
  const Out in_process = Generate(ld, m, &lcol);

  Result<std::unique_ptr<mpi::MpiTransport>> t = mpi::MpiTransport::Create(g_shape);
  ASSERT_TRUE(t.ok()) << t.error().message;
  mesh::Collectives col(t.value().get());
  mesh::ShardedDecoder sd = mesh::ShardedDecoder::Create(m, w, Limits(), layout, &col).value();
  const Out got = Generate(sd, m, &col);

  EXPECT_EQ(got.tokens, want.tokens);
  if (kind == WeightKind::kInt8) {
    EXPECT_EQ(got.logits, want.logits);
  } else {
    float worst = 0;
    for (size_t i = 0; i < got.logits.size(); ++i)
      worst = std::max(worst,
                       std::fabs(got.logits[i] - want.logits[i]) / (1 + std::fabs(want.logits[i])));
    EXPECT_LT(worst, 1e-4f);
  }
  // This rank's bytes equal what the in-process mesh measured (its largest chip: all chips of a
  // layout move the same D when dimensions divide) and, per layer, the cost model's.
  ASSERT_EQ(got.records.size(), in_process.records.size());
  for (size_t i = 0; i < got.records.size(); ++i) {
    EXPECT_EQ(got.records[i].name, in_process.records[i].name);
    EXPECT_EQ(got.records[i].bytes, in_process.records[i].bytes) << got.records[i].name;
    EXPECT_EQ(got.records[i].calls, in_process.records[i].calls);
  }
}

TEST(Mpi, EveryLayoutMatchesTheUnshardedDecoder) {
  for (FfnLayout l : cost::kAllFfnLayouts)
    for (AttentionSharding a : {AttentionSharding::kHeads, AttentionSharding::kBatch})
      Check(Small(1, model::BlockType::kParallel), WeightKind::kInt8, {l, a});
}

TEST(Mpi, GroupedSerialAndFp32) {
  for (FfnLayout l : cost::kAllFfnLayouts) {
    Check(Small(2, model::BlockType::kSerial), WeightKind::kInt8, {l, AttentionSharding::kHeads});
    Check(Small(8, model::BlockType::kParallel), WeightKind::kFp32, {l, AttentionSharding::kBatch});
  }
}

TEST(Mpi, RankCountMismatchIsACodedError) {
  mesh::MeshShape wrong = g_shape;
  wrong.dims[2] += 1;
  Result<std::unique_ptr<mpi::MpiTransport>> t = mpi::MpiTransport::Create(wrong);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, codes::kInvalidValue);
  EXPECT_EQ(t.error().path, "/mesh");
}

}  // namespace
}  // namespace esti

int main(int argc, char** argv) {
  esti::mpi::EnsureInitialized();
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: esti_mpi_tests XxYxZ (under mpirun -np X*Y*Z)\n");
    return 2;
  }
  esti::Result<esti::mesh::MeshShape> shape = esti::mesh::ParseMesh(argv[1], "/mesh");
  if (!shape.ok()) {
    std::fprintf(stderr, "%s\n", shape.error().message.c_str());
    return 2;
  }
  esti::g_shape = shape.value();
  const int rank = esti::mpi::WorldRank();
  if (rank != 0) {
    ::testing::TestEventListeners& l = ::testing::UnitTest::GetInstance()->listeners();
    delete l.Release(l.default_result_printer());
  }
  int failed = RUN_ALL_TESTS() != 0 ? 1 : 0, any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0 && any && !failed) std::fprintf(stderr, "a test failed on another rank\n");
  return any;
}
