// Collective times on each kind of mesh axis against hand-computed numbers (docs/interconnects.md).
#include <gtest/gtest.h>

#include "cost/collectives.h"
#include "hardware/topology.h"
#include "io/spec_io.h"

namespace esti {
namespace {

using cost::CollectiveKind;

hardware::ChipSpec Chip(const char* id) { return io::ParseHardware(io::Json(id), "").value(); }

cost::RoleLinks Links(const hardware::ChipSpec& chip, std::array<int64_t, 3> dims) {
  cost::Plan plan;
  plan.topology = hardware::MakeTopology(chip, dims, "/topology").value();
  return cost::MakeRoleLinks(chip, plan);
}

// h100-sxm: NVLink 450 GB/s per GPU each way, 0.6 us per step; InfiniBand 50 GB/s, 2.7 us.
TEST(Interconnect, OneSwitchDomainIsARingAtThePortRate) {
  const cost::RoleLinks l = Links(Chip("h100-sxm"), {1, 1, 8});
  const double d = 1e9;
  for (CollectiveKind k :
       {CollectiveKind::kAllGather, CollectiveKind::kReduceScatter, CollectiveKind::kAllToAll}) {
    const cost::CollectiveTime t = cost::TimeCollective(l, k, cost::kRolesXyz, d, 1.0, true);
    EXPECT_EQ(t.group_size, 8);
    EXPECT_NEAR(t.transfer_s, 7.0 / 8.0 * 1e9 / 450e9, 1e-15);  // 1.9444 ms
    EXPECT_NEAR(t.latency_s, 7 * 0.6e-6, 1e-15);                // 7 ring steps
  }
  // Roofline: no latency.
  EXPECT_EQ(
      cost::TimeCollective(l, CollectiveKind::kAllGather, cost::kRolesXyz, d, 1.0, false).latency_s,
      0);
}

TEST(Interconnect, TwoAxesOfOneSwitchShareItsPort) {
  const cost::RoleLinks l = Links(Chip("h100-sxm"), {2, 4, 1});
  const cost::CollectiveTime both =
      cost::TimeCollective(l, CollectiveKind::kAllGather, cost::kRolesXy, 1e9, 1.0, true);
  EXPECT_EQ(both.group_size, 8);
  EXPECT_NEAR(both.transfer_s, 7.0 / 8.0 * 1e9 / 450e9, 1e-15);  // not at 2 x 450 GB/s
  EXPECT_NEAR(both.latency_s, 7 * 0.6e-6, 1e-15);
  const cost::CollectiveTime x =
      cost::TimeCollective(l, CollectiveKind::kAllGather, cost::kRoleX, 1e9, 1.0, true);
  EXPECT_NEAR(x.transfer_s, 0.5 * 1e9 / 450e9, 1e-15);
}

TEST(Interconnect, NodesAreJoinedHierarchicallySlowestLevelFirst) {
  // 2 nodes x 8 GPUs, all-gather of D = 1.6 GB: the network moves (1/2) x D x 2/16 at 50 GB/s
  // (2 ms), then NVLink (7/8) x D at 450 GB/s (3.111 ms).
  const cost::RoleLinks l = Links(Chip("h100-sxm"), {1, 8, 2});
  EXPECT_EQ(l.level[1], 0);
  EXPECT_EQ(l.level[2], 1);
  const double d = 1.6e9;
  const double expected = 0.5 * d * 2.0 / 16.0 / 50e9 + 7.0 / 8.0 * d / 450e9;
  for (CollectiveKind k : {CollectiveKind::kAllGather, CollectiveKind::kReduceScatter}) {
    const cost::CollectiveTime t = cost::TimeCollective(l, k, cost::kRolesXyz, d, 1.0, true);
    EXPECT_EQ(t.group_size, 16);
    EXPECT_NEAR(t.transfer_s, expected, 1e-15);
    EXPECT_NEAR(t.transfer_s, 5.1111111e-3, 1e-9);
    EXPECT_NEAR(t.latency_s, 1 * 2.7e-6 + 7 * 0.6e-6, 1e-15);
  }
  // All-to-all: one per level, (k - 1)/k x D each.
  const cost::CollectiveTime a =
      cost::TimeCollective(l, CollectiveKind::kAllToAll, cost::kRolesXyz, d, 1.0, true);
  EXPECT_NEAR(a.transfer_s, 0.5 * d / 50e9 + 7.0 / 8.0 * d / 450e9, 1e-15);
  // Efficiency scales bandwidth: half as efficient, twice the transfer time.
  EXPECT_NEAR(
      cost::TimeCollective(l, CollectiveKind::kAllGather, cost::kRolesXyz, d, 0.5, true).transfer_s,
      2 * expected, 1e-15);
}

// tpu-v5e: a 2D torus, 100 GB/s per ring axis, wraparound only on the full 16x16 pod;
// all_links: every collective gets both axes (200 GB/s), half without wraparound.
TEST(Interconnect, TorusAndLineAxesOfADescribedTpu) {
  const hardware::ChipSpec v5e = Chip("tpu-v5e");
  const cost::RoleLinks pod = Links(v5e, {1, 16, 16});
  EXPECT_TRUE(pod.all_wrap);
  const cost::CollectiveTime t =
      cost::TimeCollective(pod, CollectiveKind::kAllGather, cost::kRoleY, 1e9, 1.0, true);
  EXPECT_NEAR(t.transfer_s, 15.0 / 16.0 * 1e9 / 200e9, 1e-15);
  EXPECT_NEAR(t.latency_s, 8 * 1e-6, 1e-15);  // ceil(15/2) hops
  const cost::RoleLinks half = Links(v5e, {1, 8, 16});
  EXPECT_FALSE(half.all_wrap);
  const cost::CollectiveTime u =
      cost::TimeCollective(half, CollectiveKind::kAllGather, cost::kRoleZ, 1e9, 1.0, true);
  EXPECT_NEAR(u.transfer_s, 15.0 / 16.0 * 1e9 / 100e9, 1e-15);
  EXPECT_NEAR(u.latency_s, 15 * 1e-6, 1e-15);  // a line: k - 1 hops
  // Only the sold shapes: 4x4x4 is not a v5e slice (3 axes), 2x8 is not sold.
  EXPECT_FALSE(hardware::MakeTopology(v5e, {4, 4, 4}, "/topology").ok());
  EXPECT_FALSE(hardware::MakeTopology(v5e, {1, 2, 8}, "/topology").ok());
}

// The legacy fields and the same torus written as a level give identical links on TPU v4 cubes.
TEST(Interconnect, TpuV4AsALevelMatchesTheLegacyDescription) {
  const hardware::ChipSpec legacy = Chip("tpu-v4");
  io::Json j = io::Json::parse(R"({"peak_flops_per_s_bf16":2.75e14,"peak_flops_per_s_int8":2.75e14,
    "hbm_capacity_bytes":34359738368,"hbm_bandwidth_bytes_per_s":1.2e12,"max_chips":4096,
    "interconnect":[{"kind":"torus","axes":3,"max_axis_chips":16,"axis_multiple":4,
    "wraparound_multiple":4,"bandwidth_bytes_per_s":9e10,"latency_s":1e-6}]})");
  const hardware::ChipSpec levels = io::ParseHardware(j, "/hardware").value();
  for (std::array<int64_t, 3> dims : {std::array<int64_t, 3>{4, 4, 4}, {4, 4, 8}, {2, 2, 4}}) {
    const cost::RoleLinks a = Links(legacy, dims), b = Links(levels, dims);
    EXPECT_EQ(a.bandwidth, b.bandwidth);
    EXPECT_EQ(a.hops, b.hops);
    EXPECT_EQ(a.all_links_bandwidth, b.all_links_bandwidth);
    EXPECT_EQ(a.all_wrap, b.all_wrap);
  }
}

TEST(Interconnect, SwitchedSlices) {
  const hardware::ChipSpec h100 = Chip("h100-sxm");
  EXPECT_EQ(hardware::ValidChipCounts(h100),
            (std::vector<int64_t>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}));
  EXPECT_EQ(hardware::ChooseTopology(h100, 8, "").value().dims, (std::array<int64_t, 3>{1, 1, 8}));
  EXPECT_EQ(hardware::ChooseTopology(h100, 64, "").value().dims, (std::array<int64_t, 3>{1, 8, 8}));
  EXPECT_TRUE(hardware::MakeTopology(h100, {8, 3, 1}, "/topology").ok());  // 3 nodes
  for (std::array<int64_t, 3> bad : {std::array<int64_t, 3>{4, 4, 4}, {1, 1, 6}, {1, 1, 12}}) {
    const Result<hardware::Topology> t = hardware::MakeTopology(h100, bad, "/topology");
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, codes::kInvalidTopology);
    EXPECT_EQ(t.error().path, "/topology");
  }
  EXPECT_FALSE(hardware::ChooseTopology(h100, 12, "/chips").ok());
}

}  // namespace
}  // namespace esti
