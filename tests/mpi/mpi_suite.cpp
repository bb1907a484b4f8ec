// The sharded decoder under MPI (one rank per chip): run by ctest as
//   mpirun --allow-run-as-root --oversubscribe -np <chips> esti_mpi_tests <XxYxZ>
// Every rank also runs the unsharded decoder and checks that its tokens and int8 logits are
// identical, and that each of its collectives moved exactly the bytes the cost model predicts.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "decoder/decoder.h"
#include "mesh/accounting.h"
#include "mesh/mesh_fixture.h"
#include "mesh/sharded_decoder.h"
#include "mpi_transport.h"

namespace esti {
namespace {

using cost::AttentionSharding;
using cost::FfnLayout;
using decoder::WeightKind;

using namespace mesh::testing;

mesh::MeshShape g_shape;

void Check(const model::ModelConfig& m, WeightKind kind, const mesh::Layout& layout,
           int64_t batch = kBatch) {
  SCOPED_TRACE(std::string(cost::ToString(layout.ffn)) + " " + cost::ToString(layout.attention) +
               " kv=" + std::to_string(m.n_kv_heads) + " " + model::ToString(m.block_type) + " " +
               decoder::ToString(kind) + " batch " + std::to_string(batch) + " on " +
               g_shape.ToString());
  const Generation want = Reference(m, kind, batch);
  const decoder::Weights w = decoder::GenerateWeights(m, kind, 3);

  Result<std::unique_ptr<mpi::MpiTransport>> t = mpi::MpiTransport::Create(g_shape);
  ASSERT_TRUE(t.ok()) << t.error().message;
  mesh::Collectives col(t.value().get());
  Result<mesh::ShardedDecoder> sd = mesh::ShardedDecoder::Create(m, w, Limits(batch), layout, &col);
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  const Generation got = Generate(sd.value(), m, batch, &col);

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
  // This rank's collectives moved exactly the bytes the cost model predicts, every one of them.
  ExpectBytesEqualTheModel(got, sd.value(), g_shape, layout, kind, batch);
}

TEST(Mpi, EveryLayoutMatchesTheUnshardedDecoder) {
  for (FfnLayout l : cost::kAllFfnLayouts)
    for (AttentionSharding a : {AttentionSharding::kHeads, AttentionSharding::kBatch})
      Check(Small(1, model::BlockType::kParallel), WeightKind::kInt8, {l, a});
}

// Padding under MPI (mesh/padding.h): non-dividing dimensions with attention over heads and a
// batch of 1 with attention over batch, every layout (both shardings of both are run in-process,
// tests/mesh; here one each keeps the oversubscribed mpirun short).
TEST(Mpi, PaddedBatchAndDimensions) {
  model::ModelConfig m = Small(1, model::BlockType::kParallel);
  m.d_model = 36;
  m.d_ff = 100;
  m.n_heads = 6;
  for (FfnLayout l : cost::kAllFfnLayouts) {
    Check(m, WeightKind::kInt8, {l, AttentionSharding::kHeads});
    Check(Small(1, model::BlockType::kParallel), WeightKind::kInt8, {l, AttentionSharding::kBatch},
          1);
  }
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
