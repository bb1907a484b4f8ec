#include <algorithm>
#include <set>

#include "calibrate/band.h"
#include "io/calibration_io.h"
#include "io/object_reader.h"
#include "io/spec_io.h"
#include "respond.h"

namespace esti::api {

namespace {

// The distinct fold keys of the data: its models, or its groups (tables and figures).
std::set<std::string> FoldKeys(const std::vector<calibrate::Measurement>& data, bool by_model) {
  std::set<std::string> keys;
  for (const calibrate::Measurement& m : data) keys.insert(by_model ? m.model_id : m.group);
  return keys;
}

// The options of the request: "fixed" replaces the default fixed set.
calibrate::FitOptions ReadOptions(io::ObjectReader& r) {
  calibrate::FitOptions o = calibrate::DefaultFitOptions();
  const io::Json* fixed = r.Find("fixed");
  if (fixed == nullptr) return o;
  io::ObjectReader fr(*fixed, r.PathOf("fixed"));
  o = calibrate::FitOptions{};
  for (int i = 0; i < calibrate::kParams; ++i) {
    const char* name = calibrate::kParamNames[i];
    if (!fr.Has(name)) continue;
    o.fixed[i] = true;
    // Bounds as the hardware reader's (io/calibration_block_io.cpp).
    const double v = fr.Number(name, 0, i == 1 ? 1e6 : 10);
    io::Json block = io::CalibrationToJson(o.start);
    block[name] = v;
    o.start = io::ReadCalibration(block, fr.PathOf(name));
  }
  fr.Finish();
  return o;
}

}  // namespace

std::string Calibrate(std::string_view request) {
  return internal::Respond(request, [](const io::Json& req) {
    io::ObjectReader r(req, "");
    r.SchemaVersion(1, false);
    std::vector<calibrate::Measurement> data = io::ReadMeasurements(r.Required("data"), "/data");
    const bool fit = r.OptBool("fit").value_or(true);
    const std::string cv_mode = r.Has("cross_validate")
                                    ? r.OneOf("cross_validate", {"auto", "model", "group", "none"})
                                    : "auto";
    const calibrate::FitOptions options = ReadOptions(r);
    r.Finish();
    if (!fit) {
      // Residuals of the calibration already in the hardware the data names.
      return io::FitResultToJson(
          calibrate::Score(data, data.front().candidates.front().base.chip.calibration));
    }
    calibrate::FitResult result = calibrate::Fit(data, options);
    calibrate::FoldBy by = calibrate::FoldBy::kModel;
    bool cross_validate = cv_mode != "none";
    if (cv_mode == "auto") {
      if (FoldKeys(data, true).size() < 2) by = calibrate::FoldBy::kGroup;
      cross_validate = FoldKeys(data, by == calibrate::FoldBy::kModel).size() >= 2;
    } else if (cv_mode == "group") {
      by = calibrate::FoldBy::kGroup;
    }
    if (cross_validate && FoldKeys(data, by == calibrate::FoldBy::kModel).size() < 2) {
      io::Fail(codes::kInvalidValue, "/cross_validate",
               "cross-validation needs at least two models (groups) to leave out in turn");
    }
    io::Json out;
    if (cross_validate) {
      const calibrate::CrossValidation cv = calibrate::CrossValidate(data, by, options);
      result.calibration.validity = calibrate::BuildValidity(data, cv);
      out = io::FitResultToJson(result);
      out["cross_validation"] = io::CrossValidationToJson(cv);
      // How often the band of a fitted point contains its measured value.
      int inside = 0;
      for (const calibrate::PointResult& p : result.points) {
        const calibrate::Measurement& m =
            *std::find_if(data.begin(), data.end(), [&](const auto& d) { return d.id == p.id; });
        hardware::ChipSpec chip = m.candidates.front().base.chip;
        chip.calibration = result.calibration;
        const calibrate::LatencyBand band =
            calibrate::BandAt(chip, m.candidates.front().base.model, p.decode,
                              static_cast<double>(p.chips), static_cast<double>(p.batch));
        const double lo = p.predicted_s * band.low_factor, hi = p.predicted_s * band.high_factor;
        if (band.available && p.measured_s >= lo && p.measured_s <= hi) ++inside;
      }
      out["band_coverage"] =
          static_cast<double>(inside) / static_cast<double>(result.points.size());
    } else {
      out = io::FitResultToJson(result);
    }
    return out;
  });
}

}  // namespace esti::api
