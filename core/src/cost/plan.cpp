#include "cost/plan.h"

#include <algorithm>
#include <vector>

namespace esti::cost {

const char* ToString(Phase p) { return NameOf(p); }
const char* ToString(FfnLayout l) { return NameOf(l); }
const char* ToString(AttentionSharding a) { return NameOf(a); }
const char* ToString(Mode m) { return NameOf(m); }

MatmulFormat MatmulFormatFor(const hardware::ChipSpec& chip, model::WeightFormat weights) {
  MatmulFormat f;
  f.peak_flops_per_s = chip.peak_flops_per_s_bf16;
  if (weights != model::WeightFormat::kFp8) return f;
  if (chip.peak_flops_per_s_fp8 > 0) {
    f.format = "fp8";
    f.peak_flops_per_s = chip.peak_flops_per_s_fp8;
  } else {
    f.fallback = chip.id +
                 " has no fp8 matmul units (no peak_flops_per_s_fp8): fp8 weights are "
                 "stored in 1 byte and computed in the next format up, bf16";
  }
  return f;
}

std::array<int64_t, 3> RoleSizes(const Plan& plan) {
  const auto& d = plan.topology.dims;
  const auto& p = plan.roles.physical;
  return {d[p[0]], d[p[1]], d[p[2]]};
}

int64_t RoleKey(const hardware::Topology& t, int physical) {
  return t.dims[physical] * 4 + t.level[physical];
}

std::vector<AxisRoles> DistinctRoleAssignments(const hardware::Topology& t) {
  std::vector<AxisRoles> out;
  std::vector<std::array<int64_t, 3>> seen;
  std::array<int, 3> perm{0, 1, 2};
  do {
    std::array<int64_t, 3> sizes{RoleKey(t, perm[0]), RoleKey(t, perm[1]), RoleKey(t, perm[2])};
    // Wraparound is all-or-nothing per slice, so sizes and levels identify an assignment.
    if (std::find(seen.begin(), seen.end(), sizes) == seen.end()) {
      seen.push_back(sizes);
      out.push_back(AxisRoles{perm});
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  return out;
}

}  // namespace esti::cost
