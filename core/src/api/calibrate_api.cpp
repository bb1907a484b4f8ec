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
      calibrate::FitResult held = calibrate::Score(test, result.calibration);
      io::Json out = io::FitResultToJson(result);
      out["held_out"] = io::FitResultToJson(held)["points"];
      out["held_out_rms_log_error"] = held.rms_log_error;
      out["held_out_max_abs_relative_error"] = held.max_abs_relative_error;
      return out;
    }
    if (fit) return io::FitResultToJson(calibrate::Fit(data));
    // Residuals of the calibration already in the hardware preset the data names.
    return io::FitResultToJson(calibrate::Score(data, data.front().space.base.chip.calibration));
  });
}

}  // namespace esti::api
