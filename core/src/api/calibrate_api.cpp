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
    r.Finish();
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
