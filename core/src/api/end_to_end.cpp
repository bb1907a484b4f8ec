#include "end_to_end.h"

#include "cost/attention_use.h"
#include "search/best_plan.h"

namespace esti::api::internal {

namespace {

// bugprone-exception-escape is silenced as for io::ScenarioInput (io/scenario_io.h): the throw it
// reaches from the implicit move constructor is inside nlohmann::json's own noexcept move.
// NOLINTNEXTLINE(bugprone-exception-escape)
struct PhaseResult {
  double latency_s = 0;
  io::Json plan;  // null when the phase has no tokens
};

PhaseResult FromEvaluation(const cost::Scenario& s, const cost::Evaluation& ev) {
  return {ev.latency_s,
          {{"ffn_layout", cost::ToString(s.plan.ffn_layout)},
           {"attention_sharding", cost::ToString(s.plan.attention)},
           // What attention is really split over (a weight-gathered layout may split the batch
           // whatever the attention sharding says; cost/attention_use.h).
           {"attention_split", cost::ToString(cost::DescribeAttentionUse(s).split)},
           {"fits", ev.fits}}};
}

}  // namespace

io::Json EndToEndJson(const search::Space& space, const cost::Scenario& s,
                      const cost::Evaluation& ev) {
  const bool decode = s.workload.phase == cost::Phase::kDecode;
  const cost::Phase other_phase = decode ? cost::Phase::kPrefill : cost::Phase::kDecode;
  // The other phase has work only if it has tokens: a prompt to prefill, tokens to generate.
  const bool other_has_tokens =
      decode ? s.workload.input_tokens > 0 : s.workload.generate_tokens > 0;
  PhaseResult mine = FromEvaluation(s, ev);
  PhaseResult other;
  if (other_has_tokens) {
    // The same slice, batch and weight format; the layouts (and axis roles) the space allows.
    search::Space sp = space;
    sp.base = s;
    sp.base.workload.phase = other_phase;
    sp.chip_counts.clear();
    sp.topology = s.plan.topology;
    sp.batches = {s.workload.batch};
    sp.weights = {s.plan.weights};
    const search::ScoredPlan best = search::BestPlanFor(sp);
    const cost::Evaluation oev = cost::Evaluate(best.scenario);
    other = FromEvaluation(best.scenario, oev);
  }
  const PhaseResult& prefill = decode ? other : mine;
  const PhaseResult& dec = decode ? mine : other;
  const double total = prefill.latency_s + dec.latency_s;
  const double chip_seconds = total * static_cast<double>(s.plan.topology.chips());
  return {{"input_tokens", s.workload.input_tokens},
          {"generate_tokens", s.workload.generate_tokens},
          {"prefill_s", prefill.latency_s},
          {"decode_s", dec.latency_s},
          {"total_s", total},
          {"chip_seconds", chip_seconds},
          {"chip_seconds_per_request", chip_seconds / static_cast<double>(s.workload.batch)},
          {"prefill", prefill.plan},
          {"decode", dec.plan}};
}

}  // namespace esti::api::internal
