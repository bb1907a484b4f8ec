#include <algorithm>
#include <cmath>

#include "esti/io/calibration_io.h"
#include "esti/io/object_reader.h"
#include "respond.h"

namespace esti::api {

std::string Calibrate(std::string_view request) {
  return internal::Respond(request, [](const io::Json& req) {
    io::ObjectReader r(req, "");
    r.SchemaVersion(1, false);
    std::vector<calibrate::Measurement> data = io::ReadMeasurements(r.Required("data"), "/data");
    const bool fit = r.OptBool("fit").value_or(true);
    // Measurements whose id starts with this prefix are left out of the fit and reported
    // separately: how well the calibrated mode predicts what it never saw.
    const std::string hold_out = r.OptString("hold_out_prefix").value_or("");
    r.Finish();
    if (fit && !hold_out.empty()) {
      std::vector<calibrate::Measurement> train, test;
      for (calibrate::Measurement& m : data) {
        (m.id.rfind(hold_out, 0) == 0 ? test : train).push_back(std::move(m));
      }
      if (train.empty() || test.empty()) {
        io::Fail(codes::kInvalidValue, "/hold_out_prefix",
                 "the prefix must leave some measurements in and some out");
      }
      calibrate::FitResult result = calibrate::Fit(train);
      io::Json out = io::FitResultToJson(result);
      io::Json held = io::Json::array();
      double sum = 0, worst = 0;
      for (const calibrate::Measurement& m : test) {
        calibrate::PointResult p = calibrate::Predict(m, result.calibration);
        sum += std::log(p.predicted_s / p.measured_s) * std::log(p.predicted_s / p.measured_s);
        worst = std::max(worst, std::fabs(p.relative_error));
        held.push_back({{"id", p.id}, {"measured_s", p.measured_s}, {"predicted_s", p.predicted_s},
                        {"relative_error", p.relative_error}, {"ffn_layout", p.ffn_layout},
                        {"attention_sharding", p.attention_sharding}});
      }
      out["held_out"] = held;
      out["held_out_rms_log_error"] = std::sqrt(sum / static_cast<double>(test.size()));
      out["held_out_max_abs_relative_error"] = worst;
      return out;
    }
    if (fit) return io::FitResultToJson(calibrate::Fit(data));
    // Residuals of the calibration already in the hardware preset the data names.
    calibrate::FitResult current;
    current.calibration = data.front().space.base.chip.calibration;
    double sum = 0;
    for (const calibrate::Measurement& m : data) {
      calibrate::PointResult p = calibrate::Predict(m, current.calibration);
      sum += std::log(p.predicted_s / p.measured_s) * std::log(p.predicted_s / p.measured_s);
      current.max_abs_relative_error = std::max(current.max_abs_relative_error, std::fabs(p.relative_error));
      current.points.push_back(p);
    }
    current.rms_log_error = std::sqrt(sum / static_cast<double>(data.size()));
    return io::FitResultToJson(current);
  });
}

}  // namespace esti::api
