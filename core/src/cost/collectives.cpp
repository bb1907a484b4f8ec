#include "esti/cost/collectives.h"

namespace esti::cost {

const char* ToString(CollectiveKind k) {
  switch (k) {
    case CollectiveKind::kAllGather: return "all_gather";
    case CollectiveKind::kReduceScatter: return "reduce_scatter";
    case CollectiveKind::kAllToAll: return "all_to_all";
  }
  return "?";
}

std::string RolesToString(uint8_t mask) {
  std::string s;
  if (mask & kRoleX) s += "x";
  if (mask & kRoleY) s += "y";
  if (mask & kRoleZ) s += "z";
  return s;
}

RoleLinks MakeRoleLinks(const hardware::ChipSpec& chip, const Plan& plan) {
  RoleLinks r;
  r.size = RoleSizes(plan);
  // Links per axis per direction: 6 links = 3 axes x 2 directions on a 3D torus.
  const double links_per_axis = static_cast<double>(chip.ici_links_per_chip) / 3.0;
  r.all_wrap = true;
  r.per_axis = chip.collective_bandwidth == hardware::CollectiveBandwidth::kPerAxis;
  for (int role = 0; role < 3; ++role) {
    const int64_t k = r.size[role];
    const bool wrap = plan.topology.wraparound[plan.roles.physical[role]];
    r.all_wrap = r.all_wrap && (wrap || k == 1);
    if (k <= 1) continue;
    r.bandwidth[role] = chip.ici_link_bandwidth_bytes_per_s * (wrap ? links_per_axis : links_per_axis / 2);
    r.hops[role] = wrap ? k / 2 : k - 1;
  }
  r.all_links_bandwidth = chip.ici_link_bandwidth_bytes_per_s *
                          static_cast<double>(chip.ici_links_per_chip) * (r.all_wrap ? 1.0 : 0.5);
  return r;
}

CollectiveTime TimeCollective(const RoleLinks& links, CollectiveKind kind, uint8_t roles,
                              double bytes_per_chip, double ici_efficiency, double hop_latency_s) {
  CollectiveTime t;
  int64_t hops = 0;
  for (int role = 0; role < 3; ++role) {
    if (!(roles & (1 << role)) || links.size[role] <= 1) continue;
    t.group_size *= links.size[role];
    t.bandwidth_bytes_per_s += links.bandwidth[role];
    hops += links.hops[role];
  }
  if (t.group_size <= 1 || bytes_per_chip <= 0) return CollectiveTime{};
  if (!links.per_axis) t.bandwidth_bytes_per_s = links.all_links_bandwidth;
  const double k = static_cast<double>(t.group_size);
  double volume = bytes_per_chip * (k - 1) / k;
  if (kind == CollectiveKind::kAllToAll) volume *= links.all_wrap ? 0.25 : 0.5;
  t.transfer_s = volume / (t.bandwidth_bytes_per_s * ici_efficiency);
  t.latency_s = static_cast<double>(hops) * hop_latency_s;
  return t;
}

}  // namespace esti::cost
