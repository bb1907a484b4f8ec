// Writing results: the evaluate-shaped document of one evaluated plan (evaluate, search
// candidates, frontier points), its latency band, and the concrete scenario that reproduces it.
// Reading scenarios is io/scenario_io.h.
#pragma once

#include "cost/evaluate.h"
#include "cost/plan.h"
#include "esti/io/json_input.h"
#include "io/scenario_io.h"

namespace esti::io {

// The evaluate-shaped result document of one evaluated scenario.
Json EvaluationToJson(const ScenarioInput& in, const cost::Scenario& s, const cost::Evaluation& ev);

// When the chip has a list price (cost_per_chip_hour_usd > 0): "usd_per_million_tokens", the
// cost in chip-seconds per token at that price: chip_s x 1e6 x usd_per_chip_hour / 3600. Nothing
// otherwise: no price is invented.
void AddDollars(const cost::Scenario& s, double cost_chip_s_per_token, Json* out);

// Calibrated mode: "latency_band" {"low_s", "high_s", "low_per_token_s", "high_per_token_s",
// "neighbours"} from the calibration's cross-validated residuals (calibrate/band.h), when it has
// them, and "calibration_warnings" (a list, empty when the configuration is inside the data).
void AddLatencyBand(const cost::Scenario& s, double latency_s, double latency_per_token_s,
                    Json* out);

// Scenario fields of a concrete plan, in the input document's own keys (a link or a CLI file can
// feed them back to evaluate).
Json ConcreteScenarioJson(const ScenarioInput& in, const cost::Scenario& s);

}  // namespace esti::io
