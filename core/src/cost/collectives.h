// Time of one collective over the mesh axes it runs on (docs/interconnects.md: each axis kind's
// formula and its source).
//
// Torus chips (TPU; every decision below is unchanged from the paper-reproduction model):
// Modeling decisions (the paper uses one scalar "network bandwidth", ESTI §4 and App. A.1):
// * Bandwidth, hardware::CollectiveBandwidth:
//   - all_links (the TPU v4 preset's choice): every collective gets the chip's whole ICI bandwidth
//     (6 x 45 GB/s = 270 GB/s, ESTI §4), the paper's literal use of one "network bandwidth".
//     Chosen because it fits the published PaLM 540B/62B/8B latencies better than per_axis (rms log
//     error 0.106 vs 0.133, leave-one-model-out max error 32% vs 61%, README) and reproduces the
//     paper's own layout choices (2D weight-stationary for decode at 64 chips, ESTI §4.1).
//   - per_axis: a collective over one axis of k > 1 chips with wraparound is a bidirectional ring
//     using 2 links per chip (90 GB/s); over several axes the sum (scaling-book sharding.md:
//     T = V / (W x n_axes)).
//   Without wraparound (slices smaller than a 4x4x4 cube) a ring cannot close: half of that.
// * Volume (ESTI App. A.1): all-gather moves the per-chip OUTPUT size D, reduce-scatter the
//   per-chip INPUT size D, each times (K-1)/K for K chips in the group (the paper drops it).
//   All-to-all of a per-chip array D costs 1/4 of an all-gather of D on rings and 1/2 without
//   wraparound (scaling-book sharding.md; ESTI gives no formula).
// * Latency: a ring collective takes ceil((k-1)/2) hops per axis with wraparound, k-1 without,
//   axes one after the other, each hop ici_hop_latency_s (calibrated mode only).
// Switch axes (NVLink/NVSwitch inside a domain, InfiniBand/RoCE between domains):
// * One level, K chips: every chip sends and receives (K-1)/K x D at its port's bandwidth, in K-1
//   ring steps of the level's latency (NCCL's ring algorithm); axes of one switch share its port,
//   so a collective over two of them is one group of their product, not twice the bandwidth.
//   All-to-all sends the same (K-1)/K x D per chip (no ring factor: every pair is direct).
// * Several levels: hierarchical, one level after the other; an all-gather runs the slowest level
//   first on the smallest shard (reduce-scatter the mirror, same time):
//   T = sum_i (k_i - 1)/k_i x D x P_i / K / B_i, P_i = k_1 ... k_i in that order;
//   an all-to-all is one all-to-all per level, each moving (k_i - 1)/k_i x D per chip.
//   Latency: sum_i (k_i - 1) x the level's latency.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "cost/plan.h"
#include "esti/common/enum_table.h"
#include "hardware/chip.h"

namespace esti::cost {

enum class CollectiveKind { kAllGather, kReduceScatter, kAllToAll };
inline constexpr EnumEntry<CollectiveKind> kCollectiveKindNames[] = {
    {CollectiveKind::kAllGather, "all_gather", "All-gather"},
    {CollectiveKind::kReduceScatter, "reduce_scatter", "Reduce-scatter"},
    {CollectiveKind::kAllToAll, "all_to_all", "All-to-all"}};
constexpr std::span<const EnumEntry<CollectiveKind>> EnumTable(CollectiveKind) {
  return kCollectiveKindNames;
}
inline const char* ToString(CollectiveKind k) { return NameOf(k); }

// Role bit masks: which of the layout roles x, y, z a collective runs over.
inline constexpr uint8_t kRoleX = 1, kRoleY = 2, kRoleZ = 4;
inline constexpr uint8_t kRolesYz = kRoleY | kRoleZ, kRolesXy = kRoleX | kRoleY;
inline constexpr uint8_t kRolesXyz = kRoleX | kRoleY | kRoleZ;
std::string RolesToString(uint8_t mask);  // "x", "yz", "xyz"

// Links of one role assignment on one slice, precomputed once per plan.
struct RoleLinks {
  std::array<int64_t, 3> size{1, 1, 1};      // chips along x, y, z
  std::array<double, 3> bandwidth{0, 0, 0};  // bytes/s a collective gets on that axis
  std::array<int64_t, 3> hops{0, 0, 0};      // hops of one ring pass along that axis
  bool all_wrap = false;
  bool per_axis = false;
  double all_links_bandwidth = 0;  // bytes/s of every collective when !per_axis
  // Interconnect level of each role's axis, its kind and its per-hop (per-step) latency.
  std::array<int, 3> level{0, 0, 0};
  std::array<hardware::LinkKind, 3> kind{hardware::LinkKind::kTorus, hardware::LinkKind::kTorus,
                                         hardware::LinkKind::kTorus};
  std::array<double, 3> hop_latency_s{0, 0, 0};
  bool switched = false;  // the chip's axes are switch levels (see above)
};

RoleLinks MakeRoleLinks(const hardware::ChipSpec& chip, const Plan& plan);

struct CollectiveTime {
  int64_t group_size = 1;  // K: chips in the group
  double bandwidth_bytes_per_s = 0;
  double transfer_s = 0;  // volume / bandwidth
  double latency_s = 0;   // hops x hop latency
  double time_s() const { return transfer_s + latency_s; }
};

// `bytes_per_chip` is the paper's D (see above). `ici_efficiency` scales bandwidth;
// `with_latency` is false in roofline mode, else each hop costs its level's latency.
CollectiveTime TimeCollective(const RoleLinks& links, CollectiveKind kind, uint8_t roles,
                              double bytes_per_chip, double ici_efficiency, bool with_latency);

// The same, every hop costing `hop_latency_s` whatever its level (the signature from before
// interconnect levels; 0 in roofline mode).
CollectiveTime TimeCollective(const RoleLinks& links, CollectiveKind kind, uint8_t roles,
                              double bytes_per_chip, double ici_efficiency, double hop_latency_s);

}  // namespace esti::cost
