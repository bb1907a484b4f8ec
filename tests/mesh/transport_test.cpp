#include "esti/mesh/transport.h"

#include <gtest/gtest.h>

namespace esti::mesh {
namespace {

TEST(MeshShape, ParsesAndRejects) {
  Result<MeshShape> m = ParseMesh("2x2x1", "/mesh");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->chips(), 4);
  EXPECT_EQ(m->ToString(), "2x2x1");
  for (const char* bad : {"", "2x2", "2x2x", "ax1x1", "0x1x1", "2x2x1x", "8x8x8", "2,2,1"}) {
    Result<MeshShape> r = ParseMesh(bad, "/mesh");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().path, "/mesh");
  }
}

TEST(MeshShape, GroupsRankXFastest) {
  const MeshShape m{{2, 2, 2}};
  // Chip 5 = (1, 0, 1). Its yz group: (1, y, z) ranked y fastest.
  EXPECT_EQ(GroupMembers(m, kAxisY | kAxisZ, 5), (std::vector<int64_t>{1, 3, 5, 7}));
  EXPECT_EQ(GroupRank(m, kAxisY | kAxisZ, 5), 2);
  EXPECT_EQ(GroupMembers(m, kAxisX, 6), (std::vector<int64_t>{6, 7}));
  EXPECT_EQ(GroupSize(m, kAxesXyz), 8);
  EXPECT_EQ(GroupSize(m, 0), 1);
  EXPECT_EQ(GroupMembers(m, 0, 3), (std::vector<int64_t>{3}));
}

// Each chip c holds values derived from c; checks every collective against its definition and
// the byte accounting against the paper's D.
TEST(LocalMesh, CollectivesMoveAndReduceRealData) {
  const MeshShape m{{2, 2, 1}};
  LocalMesh mesh(m);
  Collectives col(&mesh);
  std::vector<std::vector<int32_t>> in(4), out;
  for (int c = 0; c < 4; ++c) in[c] = {10 * c, 10 * c + 1};

  ASSERT_TRUE(col.AllGather("ag", kAxisX, in, &out).ok());
  EXPECT_EQ(out[2], (std::vector<int32_t>{20, 21, 30, 31}));  // chips 2, 3 share y = 1
  ASSERT_TRUE(col.ReduceScatter("rs", kAxisY, in, &out).ok());
  EXPECT_EQ(out[0], (std::vector<int32_t>{0 + 20}));  // rank 0 of {0, 2}: element 0 summed
  EXPECT_EQ(out[2], (std::vector<int32_t>{1 + 21}));  // rank 1: element 1
  ASSERT_TRUE(col.AllReduce("ar", kAxisX | kAxisY, ReduceOp::kSum, in, &out).ok());
  EXPECT_EQ(out[3], (std::vector<int32_t>{60, 64}));
  ASSERT_TRUE(col.AllToAll("a2a", kAxisX, in, &out).ok());
  EXPECT_EQ(out[0], (std::vector<int32_t>{0, 10}));  // block 0 of chips 0 and 1
  EXPECT_EQ(out[1], (std::vector<int32_t>{1, 11}));

  std::vector<std::vector<float>> f = {{1.f, -3.f}, {2.f, -1.f}, {0.f, 0.f}, {0.f, 0.f}}, fo;
  ASSERT_TRUE(col.AllReduce("max", kAxisX, ReduceOp::kMax, f, &fo).ok());
  EXPECT_EQ(fo[1], (std::vector<float>{2.f, -1.f}));

  const std::vector<CollectiveRecord>& r = col.records();
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].bytes, 16);  // all-gather: output 4 x int32
  EXPECT_EQ(r[0].bytes_sent, 8);
  EXPECT_EQ(r[1].bytes, 8);  // reduce-scatter: input
  EXPECT_EQ(r[2].group, 4);
  EXPECT_EQ(r[2].bytes_sent, 2 * 8 * 3 / 4.0);
  EXPECT_EQ(r[3].elements, 2);
  EXPECT_FALSE(r[0].uneven);
}

TEST(LocalMesh, InconsistentBuffersAreAnErrorNotACrash) {
  LocalMesh mesh(MeshShape{{2, 1, 1}});
  Collectives col(&mesh);
  std::vector<std::vector<float>> in = {{1.f}, {1.f, 2.f}}, out;
  EXPECT_FALSE(col.AllGather("ag", kAxisX, in, &out).ok());
  in = {{1.f, 2.f, 3.f}, {1.f, 2.f, 3.f}};
  EXPECT_FALSE(col.ReduceScatter("rs", kAxisX, in, &out).ok());
  in = {{1.f}};
  EXPECT_FALSE(col.AllReduce("ar", kAxisX, ReduceOp::kSum, in, &out).ok());
  EXPECT_TRUE(col.records().empty());
}

}  // namespace
}  // namespace esti::mesh
