#include "search/best_plan.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>

#include "common/checked.h"
#include "hardware/topology.h"

namespace esti::search {

const char* ToString(Objective o) { return NameOf(o); }

std::vector<hardware::Topology> ShapesFor(const Space& space, int64_t chips) {
  if (space.topology) return {*space.topology};
  if (space.every_shape) return hardware::ValidTopologies(space.base.chip, chips);
  Result<hardware::Topology> t = hardware::ChooseTopology(space.base.chip, chips, "");
  if (!t.ok()) return {};
  return {t.value()};
}

namespace {
bool Better(const cost::QuickEvaluation& a, const cost::QuickEvaluation& b) {
  if (a.fits != b.fits) return a.fits;
  return a.latency_s < b.latency_s;
}
}  // namespace

std::vector<ShapePlans> ShapePlansFor(const Space& space, int64_t chips) {
  std::vector<ShapePlans> out;
  for (const hardware::Topology& t : ShapesFor(space, chips)) {
    out.push_back(ShapePlans{t, space.roles ? std::vector<cost::AxisRoles>{*space.roles}
                                            : cost::DistinctRoleAssignments(t)});
  }
  return out;
}

SpaceSize CountSpace(const Space& space) {
  auto mul = [](int64_t a, int64_t b) {
    const std::optional<int64_t> p = CheckedMul(a, b);
    return p ? *p : std::numeric_limits<int64_t>::max();
  };
  auto add = [](int64_t a, int64_t b) {
    return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max()
                                                       : a + b;
  };
  const std::vector<int64_t> counts =
      space.topology ? std::vector<int64_t>{space.topology->chips()} : space.chip_counts;
  // The hybrid is scored only for grouped-query models (more than one K/V head).
  const int64_t attentions = static_cast<int64_t>(std::count_if(
      space.attentions.begin(), space.attentions.end(), [&](cost::AttentionSharding a) {
        return a != cost::AttentionSharding::kHybrid || space.base.model.n_kv_heads > 1;
      }));
  const int64_t per_slice = mul(
      mul(static_cast<int64_t>(space.ffn_layouts.size()), attentions),
      mul(static_cast<int64_t>(space.batches.size()), static_cast<int64_t>(space.weights.size())));
  SpaceSize size;
  size.combinations = mul(
      static_cast<int64_t>(counts.size()),
      mul(static_cast<int64_t>(space.weights.size()), static_cast<int64_t>(space.batches.size())));
  for (int64_t chips : counts) {
    for (const hardware::Topology& t : ShapesFor(space, chips)) {
      const int64_t roles =
          space.roles ? 1 : static_cast<int64_t>(cost::DistinctRoleAssignments(t).size());
      size.plans = add(size.plans, mul(roles, per_slice));
    }
  }
  return size;
}

ScoredPlan BestPlanFor(const Space& space) {
  const int64_t chips = space.topology ? space.topology->chips() : space.chip_counts.front();
  std::vector<ScoredPlan> best = BestPlansPerBatch(
      space, ShapePlansFor(space, chips), {space.base.workload.batch}, space.base.plan.weights);
  return std::move(best.front());
}

std::vector<ScoredPlan> BestPlansPerBatch(const Space& space, const std::vector<ShapePlans>& shapes,
                                          const std::vector<int64_t>& batches,
                                          model::WeightFormat weights, int64_t* evaluated) {
  std::vector<ScoredPlan> best(batches.size(), ScoredPlan{space.base, {}});
  std::vector<bool> have(batches.size(), false);
  cost::Scenario s = space.base;
  s.plan.weights = weights;
  for (const ShapePlans& shape : shapes) {
    s.plan.topology = shape.topology;
    const std::vector<cost::AxisRoles>& roles = shape.roles;
    for (cost::FfnLayout layout : space.ffn_layouts) {
      // A layout's cost depends on the role assignment only through the size of the one role it
      // treats apart (x for ws2d and wg_x, z for wg_xy: y and z, or x and y, act as one group);
      // ws1d and wg_xyz treat all three alike. Score one assignment per distinct such size.
      std::array<int64_t, 3> seen{};
      int n_seen = 0;
      for (const cost::AxisRoles& r : roles) {
        int64_t key = 0;
        if (layout == cost::FfnLayout::kWs2d || layout == cost::FfnLayout::kWgX) {
          key = cost::RoleKey(shape.topology, r.physical[0]);
        } else if (layout == cost::FfnLayout::kWgXy) {
          key = cost::RoleKey(shape.topology, r.physical[2]);
        }
        if (std::find(seen.begin(), seen.begin() + n_seen, key) != seen.begin() + n_seen) continue;
        seen[n_seen++] = key;
        s.plan.roles = r;
        s.plan.ffn_layout = layout;
        for (cost::AttentionSharding a : space.attentions) {
          s.plan.attention = a;
          // The hybrid only when it is neither pure sharding (never for multiquery PaLM: its
          // answers stay those of the two pure shardings, docs/gqa-attention.md).
          if (a == cost::AttentionSharding::kHybrid &&
              !cost::HybridIsDistinct(s.plan, s.model.n_kv_heads)) {
            continue;
          }
          // The batch-independent part once per plan, then every batch.
          const cost::PlanModel plan(s);
          for (size_t bi = 0; bi < batches.size(); ++bi) {
            // Once a batch has a plan that fits, plans that do not fit cannot win: skip timing
            // them.
            const bool have_fitting = have[bi] && best[bi].quick.fits;
            cost::QuickEvaluation q = cost::EvaluateQuick(plan, batches[bi], have_fitting);
            if (evaluated) ++*evaluated;
            if (!have[bi] || Better(q, best[bi].quick)) {
              best[bi].quick = q;
              best[bi].scenario.plan = s.plan;
              have[bi] = true;
            }
          }
        }
      }
    }
  }
  for (size_t bi = 0; bi < batches.size(); ++bi) best[bi].scenario.workload.batch = batches[bi];
  return best;
}

}  // namespace esti::search
