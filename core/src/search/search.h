// Searching a space of deployments: the best plan per (chips, batch, weights), ranked for an
// objective, and Pareto frontiers of latency vs cost.
//
// How redundant work is avoided: (1) for a fixed chip count, batch and weight format, cost and
// MFU are both monotone in latency (cost = chips x latency / tokens), so only the fastest plan of
// each such combination can be optimal or on a frontier: the inner search (slice shape x axis
// roles x FFN layout x attention sharding) keeps one plan; (2) layouts whose collectives span all
// three axes (ws1d, wg_xyz) do not depend on the role assignment and are scored once per shape;
// (3) a chip count whose weights alone overflow HBM is skipped before any plan is scored; (4) the
// scoring path (cost::EvaluateQuick) allocates nothing and sums decode steps in closed form; the
// full breakdown is computed only for the points returned; (5) the frontier sorts indices of the
// candidates, not the candidates (each carries a whole Scenario), and the candidates are reserved
// up front so no reallocation moves them.
#pragma once

#include <vector>

#include "cost/evaluate.h"
#include "search/best_plan.h"
#include "search/space.h"

namespace esti::search {

struct Candidate {
  cost::Scenario scenario;
  cost::QuickEvaluation quick;
  double cost_chip_s_per_token = 0;
  double mfu = 0;
  bool within_latency_bound = true;
};

struct SearchStats {
  int64_t combinations = 0;  // (chips, batch, weights) triples considered
  int64_t plans_scored = 0;  // plans the cost model scored
  int64_t infeasible = 0;    // combinations with no plan that fits in memory
  int64_t over_latency_bound = 0;
  int64_t dominated = 0;  // frontier only: feasible but not Pareto-optimal
};

// The fastest feasible plan of every (chips, batch, weights) combination of the space, for the
// space's phase. Infeasible combinations are returned too (quick.fits false).
std::vector<Candidate> BestPerCombination(const Space& space, SearchStats* stats);

// Candidates ranked by the space's objective (feasible and within bounds first).
std::vector<Candidate> Search(const Space& space, SearchStats* stats);

// Pareto-optimal candidates in (latency, cost), sorted by latency; `dominated` gets the rest of
// the feasible ones when not null.
std::vector<Candidate> Frontier(const Space& space, SearchStats* stats,
                                std::vector<Candidate>* dominated = nullptr);

}  // namespace esti::search
