#include "hardware/topology.h"

#include <gtest/gtest.h>

#include "io/spec_io.h"

namespace esti {
namespace {

hardware::ChipSpec TpuV4() { return io::ParseHardware(io::Json("tpu-v4"), "/hardware").value(); }

using Dims = std::array<int64_t, 3>;

// Chip counts the paper uses and the cube-like slice chosen for each (ESTI §4, Fig 3: 64 =
// 4x4x4).
TEST(Topology, ChosenShapesForPaperChipCounts) {
  hardware::ChipSpec c = TpuV4();
  EXPECT_EQ(hardware::ChooseTopology(c, 8, "").value().dims, (Dims{2, 2, 2}));
  EXPECT_EQ(hardware::ChooseTopology(c, 16, "").value().dims, (Dims{2, 2, 4}));
  EXPECT_EQ(hardware::ChooseTopology(c, 32, "").value().dims, (Dims{2, 4, 4}));
  EXPECT_EQ(hardware::ChooseTopology(c, 64, "").value().dims, (Dims{4, 4, 4}));
  EXPECT_EQ(hardware::ChooseTopology(c, 128, "").value().dims, (Dims{4, 4, 8}));
  EXPECT_EQ(hardware::ChooseTopology(c, 256, "").value().dims, (Dims{4, 8, 8}));
  EXPECT_EQ(hardware::ChooseTopology(c, 4096, "").value().dims, (Dims{16, 16, 16}));
}

// Wraparound only for whole 4x4x4 cubes; 2x2x4 has none (GCP v4 topologies).
TEST(Topology, WraparoundOnlyWhenEveryAxisIsAMultipleOf4) {
  hardware::ChipSpec c = TpuV4();
  auto cube = hardware::MakeTopology(c, {4, 4, 8}, "/topology").value();
  EXPECT_TRUE(cube.wraparound[0] && cube.wraparound[1] && cube.wraparound[2]);
  auto small = hardware::MakeTopology(c, {2, 2, 4}, "/topology").value();
  EXPECT_FALSE(small.wraparound[0] || small.wraparound[1] || small.wraparound[2]);
}

TEST(Topology, RejectsAxesThatAreNeitherSmallNorMultiplesOf4) {
  hardware::ChipSpec c = TpuV4();
  auto bad = hardware::MakeTopology(c, {4, 6, 4}, "/topology");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, codes::kInvalidTopology);
  EXPECT_EQ(bad.error().path, "/topology/1");
  EXPECT_FALSE(hardware::MakeTopology(c, {4, 4, 20}, "").ok());  // axis over 16
  EXPECT_EQ(hardware::ChooseTopology(c, 576, "").value().dims, (Dims{4, 12, 12}));
}

TEST(Topology, NoSliceForImpossibleCounts) {
  hardware::ChipSpec c = TpuV4();
  // 5 = prime > 4; 4097 > pod.
  for (int64_t n : {5, 7, 11, 4097, 0, -4}) {
    auto t = hardware::ChooseTopology(c, n, "/chips");
    ASSERT_FALSE(t.ok()) << n;
    EXPECT_EQ(t.error().path, "/chips");
  }
}

TEST(Topology, EveryListedShapeIsValidAndHasTheRightCount) {
  hardware::ChipSpec c = TpuV4();
  std::vector<int64_t> counts = hardware::ValidChipCounts(c);
  EXPECT_EQ(counts.front(), 1);
  EXPECT_EQ(counts.back(), 4096);
  for (int64_t n : counts) {
    for (const hardware::Topology& t : hardware::ValidTopologies(c, n)) {
      EXPECT_EQ(t.chips(), n);
      EXPECT_TRUE(hardware::MakeTopology(c, t.dims, "").ok()) << t.ToString();
      EXPECT_LE(t.dims[0], t.dims[1]);
      EXPECT_LE(t.dims[1], t.dims[2]);
    }
  }
  // 128 chips: 2x4x16, 2x8x8, 4x4x8 and the elongated ones; the cube-like one first.
  auto all128 = hardware::ValidTopologies(c, 128);
  EXPECT_EQ(all128.front().dims, (Dims{4, 4, 8}));
  EXPECT_GE(all128.size(), 3u);
}

}  // namespace
}  // namespace esti
