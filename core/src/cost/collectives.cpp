#include "cost/collectives.h"

#include <algorithm>

#include "hardware/topology.h"

namespace esti::cost {

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
  r.switched = hardware::IsSwitched(chip);
  r.per_axis = chip.collective_bandwidth == hardware::CollectiveBandwidth::kPerAxis;
  // No copies here: this runs once per plan the search scores.
  const std::vector<hardware::InterconnectLevel>& levels = chip.interconnect;
  if (r.switched) {
    for (int role = 0; role < 3; ++role) {
      const int phys = plan.roles.physical[role];
      const hardware::InterconnectLevel& l = levels[plan.topology.level[phys]];
      r.level[role] = plan.topology.level[phys];
      r.kind[role] = hardware::LinkKind::kSwitch;
      r.hop_latency_s[role] = l.latency_s;
      if (r.size[role] <= 1) continue;
      r.bandwidth[role] = l.bandwidth_bytes_per_s;
      r.hops[role] = r.size[role] - 1;
    }
    return r;
  }
  // Torus (or line) axes of one level. The legacy description keeps its exact arithmetic (links
  // per axis per direction: 6 links = 3 axes x 2 directions on a 3D torus).
  const bool legacy = chip.interconnect.empty();
  const double level_latency = legacy ? chip.ici_hop_latency_s : levels.front().latency_s;
  const double level_bandwidth = legacy ? 0 : levels.front().bandwidth_bytes_per_s;
  const double level_axes = legacy ? 0 : static_cast<double>(levels.front().axes);
  const double links_per_axis = static_cast<double>(chip.ici_links_per_chip) / 3.0;
  r.all_wrap = true;
  for (int role = 0; role < 3; ++role) {
    const int64_t k = r.size[role];
    const bool wrap = plan.topology.wraparound[plan.roles.physical[role]];
    r.all_wrap = r.all_wrap && (wrap || k == 1);
    r.kind[role] = wrap ? hardware::LinkKind::kTorus : hardware::LinkKind::kLine;
    r.hop_latency_s[role] = level_latency;
    if (k <= 1) continue;
    // Without wraparound a ring goes out and comes back on the same links: half the bandwidth.
    r.bandwidth[role] =
        legacy ? chip.ici_link_bandwidth_bytes_per_s * (wrap ? links_per_axis : links_per_axis / 2)
               : level_bandwidth * (wrap ? 1.0 : 0.5);
    r.hops[role] = wrap ? k / 2 : k - 1;
  }
  r.all_links_bandwidth =
      (legacy ? chip.ici_link_bandwidth_bytes_per_s * static_cast<double>(chip.ici_links_per_chip)
              : level_bandwidth * level_axes) *
      (r.all_wrap ? 1.0 : 0.5);
  return r;
}

namespace {

CollectiveTime TorusCollective(const RoleLinks& links, CollectiveKind kind, uint8_t roles,
                               double bytes_per_chip, double ici_efficiency,
                               const double* hop_latency_s) {
  CollectiveTime t;
  int64_t hops = 0;
  double level_latency = 0;
  for (int role = 0; role < 3; ++role) {
    if (!(roles & (1 << role)) || links.size[role] <= 1) continue;
    t.group_size *= links.size[role];
    t.bandwidth_bytes_per_s += links.bandwidth[role];
    hops += links.hops[role];
    level_latency = links.hop_latency_s[role];
  }
  if (t.group_size <= 1 || bytes_per_chip <= 0) return CollectiveTime{};
  if (!links.per_axis) t.bandwidth_bytes_per_s = links.all_links_bandwidth;
  const double k = static_cast<double>(t.group_size);
  double volume = bytes_per_chip * (k - 1) / k;
  if (kind == CollectiveKind::kAllToAll) volume *= links.all_wrap ? 0.25 : 0.5;
  t.transfer_s = volume / (t.bandwidth_bytes_per_s * ici_efficiency);
  t.latency_s = static_cast<double>(hops) * (hop_latency_s ? *hop_latency_s : level_latency);
  return t;
}

// Switch levels, hierarchical across levels (collectives.h).
CollectiveTime SwitchCollective(const RoleLinks& links, CollectiveKind kind, uint8_t roles,
                                double bytes_per_chip, double ici_efficiency,
                                const double* hop_latency_s) {
  struct Level {
    int id = 0;
    int64_t k = 1;
    double bandwidth = 0, latency = 0;
  };
  std::array<Level, 3> levels{};
  int n = 0;
  for (int role = 0; role < 3; ++role) {
    if (!(roles & (1 << role)) || links.size[role] <= 1) continue;
    // Axes of one level share its port: one group of their product.
    Level* l = nullptr;
    for (int i = 0; i < n; ++i) {
      if (levels[i].id == links.level[role]) l = &levels[i];
    }
    if (l == nullptr) {
      l = &levels[n++];
      l->id = links.level[role];
      l->bandwidth = links.bandwidth[role];
      l->latency = hop_latency_s ? *hop_latency_s : links.hop_latency_s[role];
    }
    l->k *= links.size[role];
  }
  CollectiveTime t;
  for (int i = 0; i < n; ++i) t.group_size *= levels[i].k;
  if (t.group_size <= 1 || bytes_per_chip <= 0) return CollectiveTime{};
  // Slowest level first (stable for equal bandwidths: role order).
  std::stable_sort(levels.begin(), levels.begin() + n,
                   [](const Level& a, const Level& b) { return a.bandwidth < b.bandwidth; });
  const double big_k = static_cast<double>(t.group_size);
  double done = 1;  // P_i
  for (int i = 0; i < n; ++i) {
    const double k = static_cast<double>(levels[i].k);
    done *= k;
    const double shard =
        kind == CollectiveKind::kAllToAll ? bytes_per_chip : bytes_per_chip * done / big_k;
    t.transfer_s += shard * (k - 1) / k / (levels[i].bandwidth * ici_efficiency);
    t.latency_s += static_cast<double>(levels[i].k - 1) * levels[i].latency;
  }
  // The one bandwidth that gives the same transfer time for the whole group's volume.
  t.bandwidth_bytes_per_s = bytes_per_chip * (big_k - 1) / big_k / (t.transfer_s * ici_efficiency);
  return t;
}

}  // namespace

CollectiveTime TimeCollective(const RoleLinks& links, CollectiveKind kind, uint8_t roles,
                              double bytes_per_chip, double ici_efficiency, bool with_latency) {
  const double zero = 0;
  const double* latency = with_latency ? nullptr : &zero;
  return links.switched
             ? SwitchCollective(links, kind, roles, bytes_per_chip, ici_efficiency, latency)
             : TorusCollective(links, kind, roles, bytes_per_chip, ici_efficiency, latency);
}

CollectiveTime TimeCollective(const RoleLinks& links, CollectiveKind kind, uint8_t roles,
                              double bytes_per_chip, double ici_efficiency, double hop_latency_s) {
  return links.switched
             ? SwitchCollective(links, kind, roles, bytes_per_chip, ici_efficiency, &hop_latency_s)
             : TorusCollective(links, kind, roles, bytes_per_chip, ici_efficiency, &hop_latency_s);
}

}  // namespace esti::cost
