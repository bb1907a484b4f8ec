#include "cost/sharding.h"

#include "cost/collectives.h"
#include "cost/pass.h"

namespace esti::cost {

std::vector<TensorSharding> DescribeSharding(const Plan& plan, int64_t n_kv_heads) {
  uint8_t batch_roles = 0;
  LayoutBatchWays(plan, &batch_roles);
  const uint8_t rest = kRolesXyz & ~batch_roles;
  std::vector<TensorSharding> out;
  const bool one_d = plan.ffn_layout == FfnLayout::kWs1d;
  // Weights are stored E_x F_yz for every layout but 1D (ESTI §3.2.3: one stored layout serves
  // weight-stationary decode and weight-gathered prefill); weight-gathered layouts all-gather
  // them over the batch roles just before the matmuls.
  out.push_back({"stored_weights", one_d ? std::vector<DimSplit>{{"E", 0}, {"F", kRolesXyz}}
                                         : std::vector<DimSplit>{{"E", kRoleX}, {"F", kRolesYz}}});
  switch (plan.ffn_layout) {
    case FfnLayout::kWs1d:
      out.push_back({"weights_in_use", {{"E", 0}, {"F", kRolesXyz}}});
      out.push_back({"activations", {{"B", 0}, {"L", 0}, {"E", kRolesXyz}}});
      break;
    case FfnLayout::kWs2d:
      out.push_back({"weights_in_use", {{"E", kRoleX}, {"F", kRolesYz}}});
      out.push_back({"activations", {{"B", 0}, {"L", 0}, {"E", kRolesXyz}}});
      break;
    default:
      out.push_back({"weights_in_use", {{"E", 0}, {"F", rest}}});
      out.push_back({"activations", {{"B", batch_roles}, {"L", 0}, {"E", rest}}});
      break;
  }
  // Heads: B over the layout's batch roles, H over the rest; batch: B over every role; hybrid
  // (GQA): H over the roles HybridHeadRoles picks, B over the others.
  const AttentionSplit split = SplitAttention(plan, n_kv_heads);
  out.push_back({"attention", {{"B", split.batch_roles}, {"L", 0}, {"H", split.head_roles}}});
  out.push_back({"kv_cache", {{"B", split.batch_roles}, {"L", 0}, {"H", split.head_roles}}});
  return out;
}

std::string Notation(const TensorSharding& t) {
  std::string s;
  for (const DimSplit& d : t.dims) {
    if (!s.empty()) s += " ";
    s += d.dim;
    if (d.roles) s += "_" + RolesToString(d.roles);
  }
  return s;
}

}  // namespace esti::cost
