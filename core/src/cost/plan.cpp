#include "esti/cost/plan.h"

#include <algorithm>
#include <vector>

namespace esti::cost {

const char* ToString(Phase p) { return NameOf(p); }
const char* ToString(FfnLayout l) { return NameOf(l); }
const char* ToString(AttentionSharding a) { return NameOf(a); }
const char* ToString(Mode m) { return NameOf(m); }

std::array<int64_t, 3> RoleSizes(const Plan& plan) {
  const auto& d = plan.topology.dims;
  const auto& p = plan.roles.physical;
  return {d[p[0]], d[p[1]], d[p[2]]};
}

std::vector<AxisRoles> DistinctRoleAssignments(const hardware::Topology& t) {
  std::vector<AxisRoles> out;
  std::vector<std::array<int64_t, 3>> seen;
  std::array<int, 3> perm{0, 1, 2};
  do {
    std::array<int64_t, 3> sizes{t.dims[perm[0]], t.dims[perm[1]], t.dims[perm[2]]};
    // Wraparound is all-or-nothing per slice, so sizes alone identify an assignment.
    if (std::find(seen.begin(), seen.end(), sizes) == seen.end()) {
      seen.push_back(sizes);
      out.push_back(AxisRoles{perm});
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  return out;
}

}  // namespace esti::cost
