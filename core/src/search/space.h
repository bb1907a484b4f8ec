// The set of plans a search (or an "auto" field of evaluate) chooses from. No JSON here: io fills
// it from a scenario document.
#pragma once

#include <optional>
#include <vector>

#include "cost/plan.h"

namespace esti::search {

enum class Objective { kMinLatency, kMinCost, kMaxMfu };
inline constexpr EnumEntry<Objective> kObjectiveNames[] = {
    {Objective::kMinLatency, "min_latency", "Lowest latency"},
    {Objective::kMinCost, "min_cost", "Lowest cost"},
    {Objective::kMaxMfu, "max_mfu", "Highest MFU"}};
constexpr std::span<const EnumEntry<Objective>> EnumTable(Objective) { return kObjectiveNames; }
const char* ToString(Objective o);

struct Space {
  cost::Scenario base;  // model, chip, workload, mode; plan fields are overwritten per candidate
  // Candidate values; "auto" in the document expands to every value, one value is a list of one.
  std::vector<int64_t> chip_counts;  // empty when `topology` is given
  std::optional<hardware::Topology> topology;
  bool every_shape = true;               // each chip count: every valid slice, or only the
                                         // most cube-like one
  std::optional<cost::AxisRoles> roles;  // nullopt: every distinct role assignment
  std::vector<int64_t> batches;
  std::vector<model::WeightFormat> weights;
  std::vector<cost::FfnLayout> ffn_layouts;
  std::vector<cost::AttentionSharding> attentions;
  Objective objective = Objective::kMinLatency;
  std::optional<double> max_latency_s;            // bound on the whole phase
  std::optional<double> max_latency_per_token_s;  // bound per generated token (decode)
};

}  // namespace esti::search
