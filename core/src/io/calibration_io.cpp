#include "io/calibration_io.h"

#include <cmath>

#include "io/object_reader.h"
#include "io/presets.h"
#include "io/scenario_io.h"
#include "io/spec_io.h"

namespace esti::io {

namespace {

// One point: its scenario (hardware from the file), expanded to one candidate per chip count when
// the point fixes only chips / batch.
calibrate::Measurement ReadPoint(const Json& v, const std::string& path, const Json& hardware) {
  ObjectReader m(v, path);
  calibrate::Measurement meas;
  meas.id = m.String("id");
  meas.group = m.OptString("group").value_or("");
  m.OptString("source", 4096);
  m.OptString("note", 4096);
  const Json& scenario = m.Required("scenario");
  const std::string sp = m.PathOf("scenario");
  if (!scenario.is_object()) Fail(codes::kTypeError, sp, "expected a scenario object");
  if (scenario.contains("hardware")) {
    Fail(codes::kInvalidValue, sp + "/hardware",
         "the hardware is given once, at the top of the measurement file");
  }
  const std::optional<double> ratio = m.OptNumber("chips_per_batch", 1e-6, 1e6);
  const std::optional<double> whole = m.OptNumber("measured_latency_s", 1e-9, 1e7);
  const std::optional<double> per_token = m.OptNumber("measured_latency_per_token_s", 1e-9, 1e7);
  if (whole.has_value() == per_token.has_value()) {
    Fail(codes::kInvalidValue, path,
         "give exactly one of measured_latency_s and measured_latency_per_token_s");
  }
  m.Finish();
  std::vector<Json> docs;
  if (ratio) {
    // Only chips / batch is known: one candidate per listed chip count with batch = chips / ratio.
    if (scenario.contains("batch")) {
      Fail(codes::kInvalidValue, sp + "/batch",
           "with chips_per_batch, the batch follows from chips");
    }
    const Json chips = scenario.contains("chips") ? scenario["chips"] : Json();
    if (!chips.is_array() || chips.empty() || chips.size() > kMaxListLength) {
      Fail(codes::kTypeError, sp + "/chips",
           "with chips_per_batch, expected a list of 1..64 candidate chip counts");
    }
    for (size_t i = 0; i < chips.size(); ++i) {
      const int64_t c = ToInt(chips[i], sp + "/chips/" + std::to_string(i), 1, 1 << 20);
      const double b = static_cast<double>(c) / *ratio;
      if (b != std::round(b) || b < 1 || b > static_cast<double>(kMaxBatch)) {
        Fail(codes::kInvalidValue, sp + "/chips/" + std::to_string(i),
             std::to_string(c) + " chips give no whole batch in 1.." + std::to_string(kMaxBatch) +
                 " at chips_per_batch " + std::to_string(*ratio));
      }
      Json d = scenario;
      d["chips"] = c;
      d["batch"] = static_cast<int64_t>(b);
      docs.push_back(std::move(d));
    }
  } else {
    docs.push_back(scenario);
  }
  for (Json& d : docs) {
    d["hardware"] = hardware;
    Result<ScenarioInput> in =
        Guard<ScenarioInput>([&] { return ReadScenario(d, ScenarioUse::kEvaluate); });
    if (!in.ok()) Fail(in.error().code, sp + in.error().path, in.error().message);
    meas.candidates.push_back(in.value().space);
  }
  const cost::Scenario& base = meas.candidates.front().base;
  meas.model_id = !base.model.id.empty() ? base.model.id : base.model.name;
  meas.per_token = base.workload.phase == cost::Phase::kDecode;
  if (per_token && !meas.per_token) {
    Fail(codes::kInvalidValue, path + "/measured_latency_per_token_s",
         "a prefill measurement gives measured_latency_s (the whole prompt)");
  }
  meas.measured_s =
      per_token
          ? *per_token
          : *whole / (meas.per_token ? static_cast<double>(base.workload.generate_tokens) : 1.0);
  return meas;
}

void ReadFile(const Json& v, const std::string& path, std::vector<calibrate::Measurement>* out) {
  Json doc = v;
  if (v.is_string()) {
    const PresetText* p = FindPreset("calibration", v.get<std::string>());
    if (p == nullptr) {
      Fail(codes::kUnknownPreset, path, "no calibration data \"" + v.get<std::string>() + "\"");
    }
    Result<Json> parsed = ParseJson(p->json);
    if (!parsed.ok()) Fail(codes::kInternal, path, parsed.error().message);
    doc = parsed.value();
  }
  ObjectReader r(doc, path);
  r.SchemaVersion(1, /*required=*/true);
  r.OptString("id");
  r.OptString("name");
  r.OptString("source", 4096);
  const Json hardware = r.Required("hardware");
  const Json& list = r.Required("points");
  r.Finish();
  const std::string list_path = r.PathOf("points");
  if (!list.is_array() || list.empty())
    Fail(codes::kTypeError, list_path, "expected a non-empty list");
  if (out->size() + list.size() > kMaxMeasurements) {
    Fail(codes::kTooLarge, list_path,
         "at most " + std::to_string(kMaxMeasurements) + " points in all");
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string mp = list_path + "/" + std::to_string(i);
    calibrate::Measurement m = ReadPoint(list[i], mp, hardware);
    for (const calibrate::Measurement& o : *out) {
      if (o.id == m.id)
        Fail(codes::kInvalidValue, mp + "/id", "duplicate point id \"" + m.id + "\"");
    }
    if (!out->empty() &&
        out->front().candidates.front().base.chip.id != m.candidates.front().base.chip.id) {
      Fail(codes::kInvalidValue, path + "/hardware", "every file must name the same hardware");
    }
    out->push_back(std::move(m));
  }
}

}  // namespace

std::vector<calibrate::Measurement> ReadMeasurements(const Json& v, const std::string& path) {
  std::vector<calibrate::Measurement> out;
  if (v.is_array()) {
    if (v.empty() || v.size() > 16)
      Fail(codes::kTypeError, path, "expected 1..16 measurement files");
    for (size_t i = 0; i < v.size(); ++i) ReadFile(v[i], path + "/" + std::to_string(i), &out);
  } else {
    ReadFile(v, path, &out);
  }
  return out;
}

namespace {

Json PointsToJson(const std::vector<calibrate::PointResult>& points) {
  Json out = Json::array();
  for (const calibrate::PointResult& p : points) {
    out.push_back({{"id", p.id},
                   {"group", p.group},
                   {"model", p.model_id},
                   {"phase", p.decode ? "decode" : "prefill"},
                   {"measured_s", p.measured_s},
                   {"predicted_s", p.predicted_s},
                   {"relative_error", p.relative_error},
                   {"chips", p.chips},
                   {"batch", p.batch},
                   {"ffn_layout", p.ffn_layout},
                   {"attention_sharding", p.attention_sharding}});
  }
  return out;
}

}  // namespace

Json FitResultToJson(const calibrate::FitResult& r) {
  Json j = {{"calibration", CalibrationToJson(r.calibration)},
            {"points", PointsToJson(r.points)},
            {"rms_log_error", r.rms_log_error},
            {"median_abs_relative_error", r.median_abs_relative_error},
            {"max_abs_relative_error", r.max_abs_relative_error},
            {"objective_evaluations", r.objective_evaluations}};
  if (!r.parameters.empty()) {
    Json params = Json::array();
    for (const calibrate::ParameterReport& p : r.parameters) {
      Json e = {{"name", p.name}, {"value", p.value}, {"fitted", p.fitted}};
      if (p.fitted) e["at_bound"] = p.at_bound;
      if (p.std_error) e["std_error"] = *p.std_error;
      params.push_back(std::move(e));
    }
    j["parameters"] = std::move(params);
    Json confounded = Json::array();
    for (const auto& [pair, rho] : r.confounded)
      confounded.push_back({{"pair", pair}, {"correlation", rho}});
    j["confounded"] = std::move(confounded);
    j["warnings"] = r.warnings;
  }
  return j;
}

Json CrossValidationToJson(const calibrate::CrossValidation& cv) {
  Json folds = Json::array();
  for (const calibrate::Fold& f : cv.folds) {
    folds.push_back({{"left_out", f.left_out},
                     {"points", f.held.points.size()},
                     {"median_abs_relative_error", f.held.median_abs_relative_error},
                     {"max_abs_relative_error", f.held.max_abs_relative_error},
                     {"rms_log_error", f.held.rms_log_error},
                     {"calibration", CalibrationToJson(f.calibration)}});
  }
  return {{"by", cv.by == calibrate::FoldBy::kModel ? "model" : "group"},
          {"folds", std::move(folds)},
          {"held_out", PointsToJson(cv.held_out)},
          {"median_abs_relative_error", cv.median_abs_relative_error},
          {"max_abs_relative_error", cv.max_abs_relative_error},
          {"rms_log_error", cv.rms_log_error}};
}

}  // namespace esti::io
