// The fastest plan for one workload: the search proposes, the cost model scores.
#pragma once

#include <vector>

#include "cost/evaluate.h"
#include "cost/pass.h"
#include "search/space.h"

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

// The best plan for each of `batches`: enumerates slice shapes x role assignments x FFN layouts x
// attention shardings, builds each plan's batch-independent terms (cost::PlanModel) once and
// scores it for every batch (the search's inner loop). Per batch: the lowest latency among plans
// that fit in memory; when none fits, the lowest-latency plan (its quick.fits is false).
// `evaluated` counts the plans scored.
std::vector<ScoredPlan> BestPlansPerBatch(const Space& space, const std::vector<ShapePlans>& shapes,
                                          const std::vector<int64_t>& batches,
                                          model::WeightFormat weights,
                                          int64_t* evaluated = nullptr);

// The work a search of `space` does, counted before doing it (issue 12 item 9: a custom torus
// multiplied it to 21 M plans): `combinations` is chip counts x weight formats x batches (one
// candidate each, the points a frontier or search may return); `plans` is an upper bound on the
// plans BestPlansPerBatch scores (slices x role assignments x layouts x attention x batches x
// weight formats). Saturates at INT64_MAX.
struct SpaceSize {
  int64_t combinations = 0;
  int64_t plans = 0;
};
SpaceSize CountSpace(const Space& space);

// The best plan for the space's own configuration: its first chip count (or its topology), its
// workload's batch and its plan's weight format ("auto" layouts of evaluate, calibration).
ScoredPlan BestPlanFor(const Space& space);

}  // namespace esti::search
