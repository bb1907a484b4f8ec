// The fastest plan for one workload: the search proposes, the cost model scores.
#pragma once

#include <vector>

#include "esti/cost/evaluate.h"
#include "esti/cost/pass.h"
#include "esti/search/space.h"

namespace esti::search {

// The slices a space allows for one chip count (every valid shape, or the most cube-like one).
std::vector<hardware::Topology> ShapesFor(const Space& space, int64_t chips);

// The slices of one chip count with their distinct role assignments, computed once per count.
struct ShapePlans {
  hardware::Topology topology;
  std::vector<cost::AxisRoles> roles;
};
std::vector<ShapePlans> ShapePlansFor(const Space& space, int64_t chips);

struct ScoredPlan {
  cost::Scenario scenario;
  cost::QuickEvaluation quick;
};

// Enumerates slice shapes x role assignments x FFN layouts x attention shardings for the space's
// chips (first chip count, or its topology), `batch` and `weights`, and returns the plan with the
// lowest latency among those that fit in memory; when none fits, the lowest-latency plan
// (its quick.fits is false). `evaluated` counts the plans scored.
ScoredPlan BestPlan(const Space& space, int64_t chips, int64_t batch, model::WeightFormat weights,
                    int64_t* evaluated = nullptr);
// The best plan for each of `batches` over precomputed shapes: each plan's batch-independent
// terms (cost::PlanModel) are built once and scored for every batch (the search's inner loop).
std::vector<ScoredPlan> BestPlansPerBatch(const Space& space, const std::vector<ShapePlans>& shapes,
                                          const std::vector<int64_t>& batches,
                                          model::WeightFormat weights, int64_t* evaluated = nullptr);
// The same for one batch.
ScoredPlan BestPlan(const Space& space, const std::vector<ShapePlans>& shapes, int64_t batch,
                    model::WeightFormat weights, int64_t* evaluated = nullptr);

}  // namespace esti::search
