#include "search/search.h"

#include <algorithm>

namespace esti::search {

namespace {

double Tokens(const cost::Workload& w) {
  return static_cast<double>(w.batch) *
         static_cast<double>(w.phase == cost::Phase::kDecode ? w.generate_tokens : w.input_tokens);
}

Candidate Score(const Space& space, ScoredPlan&& p) {
  Candidate c{std::move(p.scenario), p.quick, 0, 0, true};
  const double chips = static_cast<double>(c.scenario.plan.topology.chips());
  const double tokens = Tokens(c.scenario.workload);
  c.cost_chip_s_per_token = chips * c.quick.latency_s / tokens;
  c.mfu = cost::ModelFlopsUtilization(model::NominalParams(c.scenario.model), tokens, chips,
                                      c.scenario.chip.peak_flops_per_s_bf16, c.quick.latency_s);
  if (space.max_latency_s && c.quick.latency_s > *space.max_latency_s)
    c.within_latency_bound = false;
  if (space.max_latency_per_token_s && c.scenario.workload.phase == cost::Phase::kDecode &&
      c.quick.latency_s / static_cast<double>(c.scenario.workload.generate_tokens) >
          *space.max_latency_per_token_s) {
    c.within_latency_bound = false;
  }
  return c;
}

}  // namespace

std::vector<Candidate> BestPerCombination(const Space& space, SearchStats* stats) {
  std::vector<int64_t> counts =
      space.topology ? std::vector<int64_t>{space.topology->chips()} : space.chip_counts;
  std::vector<Candidate> out;
  // One candidate per (chips, weights, batch): reserve them all so the (large) candidates are
  // never moved by a reallocation.
  out.reserve(counts.size() * space.weights.size() * space.batches.size());
  for (int64_t chips : counts) {
    const std::vector<ShapePlans> shapes = ShapePlansFor(space, chips);
    for (model::WeightFormat w : space.weights) {
      // Weights alone over HBM: nothing with this many chips can fit (skip every plan).
      const bool hopeless = model::WeightBytes(space.base.model, w) / static_cast<double>(chips) >
                            space.base.chip.hbm_capacity_bytes;
      if (hopeless) {
        stats->combinations += static_cast<int64_t>(space.batches.size());
        stats->infeasible += static_cast<int64_t>(space.batches.size());
        continue;
      }
      for (ScoredPlan& p :
           BestPlansPerBatch(space, shapes, space.batches, w, &stats->plans_scored)) {
        ++stats->combinations;
        Candidate c = Score(space, std::move(p));
        if (!c.quick.fits)
          ++stats->infeasible;
        else if (!c.within_latency_bound)
          ++stats->over_latency_bound;
        out.push_back(std::move(c));
      }
    }
  }
  return out;
}

std::vector<Candidate> Search(const Space& space, SearchStats* stats) {
  std::vector<Candidate> all = BestPerCombination(space, stats);
  auto key = [&](const Candidate& c) {
    switch (space.objective) {
      case Objective::kMinLatency:
        return c.quick.latency_s;
      case Objective::kMinCost:
        return c.cost_chip_s_per_token;
      case Objective::kMaxMfu:
        return -c.mfu;
    }
    return c.quick.latency_s;
  };
  std::stable_sort(all.begin(), all.end(), [&](const Candidate& a, const Candidate& b) {
    const bool ga = a.quick.fits && a.within_latency_bound,
               gb = b.quick.fits && b.within_latency_bound;
    if (ga != gb) return ga;
    return key(a) < key(b);
  });
  return all;
}

std::vector<Candidate> Frontier(const Space& space, SearchStats* stats,
                                std::vector<Candidate>* dominated) {
  std::vector<Candidate> all = BestPerCombination(space, stats);
  // Sort indices of the feasible candidates, not the candidates: a Candidate carries a whole
  // Scenario (model and chip with their strings and vectors), so sorting them moved hundreds of
  // bytes per swap and std::stable_sort allocated a buffer of them. The permutation is the same.
  std::vector<int32_t> order;
  order.reserve(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].quick.fits) order.push_back(static_cast<int32_t>(i));
  }
  // A total key: latency, cost, then chips, weight format and batch (BestPerCombination yields one
  // candidate per such combination). With latency and cost alone, std::sort left ties to the
  // standard library, so libstdc++ (native) and libc++ (wasm) put different points on the frontier
  // (issue 12 item 5). Of tied points the frontier keeps the first: fewest chips, bf16, smallest
  // batch.
  std::stable_sort(order.begin(), order.end(), [&all](int32_t ia, int32_t ib) {
    const Candidate& a = all[static_cast<size_t>(ia)];
    const Candidate& b = all[static_cast<size_t>(ib)];
    if (a.quick.latency_s != b.quick.latency_s) return a.quick.latency_s < b.quick.latency_s;
    if (a.cost_chip_s_per_token != b.cost_chip_s_per_token) {
      return a.cost_chip_s_per_token < b.cost_chip_s_per_token;
    }
    const int64_t ca = a.scenario.plan.topology.chips(), cb = b.scenario.plan.topology.chips();
    if (ca != cb) return ca < cb;
    if (a.scenario.plan.weights != b.scenario.plan.weights) {
      return a.scenario.plan.weights < b.scenario.plan.weights;
    }
    return a.scenario.workload.batch < b.scenario.workload.batch;
  });
  // Sweep by latency: a point is on the frontier when it is cheaper than every faster point.
  std::vector<Candidate> front;
  if (dominated) dominated->reserve(dominated->size() + order.size());
  double best_cost = 1e300;
  for (int32_t i : order) {
    Candidate& c = all[static_cast<size_t>(i)];
    if (c.cost_chip_s_per_token < best_cost) {
      best_cost = c.cost_chip_s_per_token;
      front.push_back(std::move(c));
    } else {
      ++stats->dominated;
      if (dominated) dominated->push_back(std::move(c));
    }
  }
  return front;
}

}  // namespace esti::search
