#include "esti/io/calibration_io.h"

#include "esti/io/object_reader.h"
#include "esti/io/presets.h"
#include "esti/io/scenario_io.h"

namespace esti::io {

std::vector<calibrate::Measurement> ReadMeasurements(const Json& v, const std::string& path) {
  Json doc = v;
  if (v.is_string()) {
    const PresetText* p = FindPreset("calibration", v.get<std::string>());
    if (p == nullptr) Fail(codes::kUnknownPreset, path, "no calibration data \"" + v.get<std::string>() + "\"");
    Result<Json> parsed = ParseJson(p->json);
    if (!parsed.ok()) Fail(codes::kInternal, path, parsed.error().message);
    doc = parsed.value();
  }
  ObjectReader r(doc, path);
  r.SchemaVersion(1, /*required=*/true);
  r.OptString("id");
  r.OptString("name");
  r.OptString("source", 4096);
  const Json model = r.Required("model");
  const Json hardware = r.Required("hardware");
  const int64_t input_tokens = r.Int("input_tokens", 1, kMaxInputTokens);
  const int64_t generate_tokens = r.Int("generate_tokens", 1, kMaxGenerateTokens);
  const Json& list = r.Required("measurements");
  r.Finish();
  const std::string list_path = r.PathOf("measurements");
  if (!list.is_array() || list.empty()) Fail(codes::kTypeError, list_path, "expected a non-empty list");
  if (list.size() > kMaxMeasurements) Fail(codes::kTooLarge, list_path, "at most 256 measurements");
  std::vector<calibrate::Measurement> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string mp = list_path + "/" + std::to_string(i);
    ObjectReader m(list[i], mp);
    calibrate::Measurement meas;
    meas.id = m.String("id");
    m.OptString("source", 4096);
    m.OptString("note", 4096);
    Json scenario = {{"model", model}, {"hardware", hardware}, {"input_tokens", input_tokens}};
    for (const char* k : {"phase", "chips", "batch", "weights", "ffn_layout", "attention_sharding"}) {
      scenario[k] = m.Required(k);
    }
    if (scenario["phase"] == "decode") {
      scenario["generate_tokens"] = generate_tokens;
      meas.measured_s = m.Number("latency_per_token_s", 1e-9, 1e6);
      meas.per_token = true;
    } else {
      meas.measured_s = m.Number("latency_s", 1e-9, 1e6);
    }
    m.Finish();
    Result<ScenarioInput> in = Guard<ScenarioInput>([&] { return ReadScenario(scenario, ScenarioUse::kEvaluate); });
    if (!in.ok()) Fail(in.error().code, mp + in.error().path, in.error().message);
    meas.space = in.value().space;
    out.push_back(std::move(meas));
  }
  return out;
}

Json CalibrationToJson(const hardware::Calibration& c) {
  return {{"matmul_efficiency", c.matmul_efficiency},
          {"hbm_efficiency", c.hbm_efficiency},
          {"ici_efficiency", c.ici_efficiency},
          {"comm_overlap", c.comm_overlap},
          {"per_layer_overhead_s", c.per_layer_overhead_s},
          {"per_step_overhead_s", c.per_step_overhead_s}};
}

Json FitResultToJson(const calibrate::FitResult& r) {
  Json points = Json::array();
  for (const calibrate::PointResult& p : r.points) {
    points.push_back({{"id", p.id},
                      {"measured_s", p.measured_s},
                      {"predicted_s", p.predicted_s},
                      {"relative_error", p.relative_error},
                      {"ffn_layout", p.ffn_layout},
                      {"attention_sharding", p.attention_sharding}});
  }
  return {{"calibration", CalibrationToJson(r.calibration)},
          {"points", points},
          {"rms_log_error", r.rms_log_error},
          {"max_abs_relative_error", r.max_abs_relative_error},
          {"objective_evaluations", r.objective_evaluations}};
}

}  // namespace esti::io
