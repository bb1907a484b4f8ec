#include "attention_use_json.h"
#include "cost/evaluate.h"
#include "end_to_end.h"
#include "io/result_io.h"
#include "io/scenario_io.h"
#include "respond.h"
#include "search/best_plan.h"

namespace esti::api {

std::string Evaluate(std::string_view request) {
  return internal::Respond(request, [](const io::Json& req) {
    io::ScenarioInput in = io::ReadScenario(req, io::ScenarioUse::kEvaluate);
    // "auto" layouts or unspecified axis roles: the fastest plan that fits for this configuration.
    search::ScoredPlan best = search::BestPlanFor(in.space);
    cost::Evaluation ev = cost::Evaluate(best.scenario);
    io::Json out = io::EvaluationToJson(in, best.scenario, ev);
    out["end_to_end"] = internal::EndToEndJson(in.space, best.scenario, ev);
    out["attention_use"] = internal::AttentionUseJson(best.scenario);
    return out;
  });
}

}  // namespace esti::api
