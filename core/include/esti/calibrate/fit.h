// Fits the `calibrated` mode's hardware parameters (hardware::Calibration) to measured latencies.
// The fit is a model of the hardware, not a table of points: six physical parameters (matmul, HBM
// and ICI efficiency, the fraction of communication hidden under compute, fixed costs per layer
// and per forward pass) shared by every measurement, chosen to minimise the squared log error of
// predicted vs measured latency. Deterministic: a bounded pattern search from fixed starts.
#pragma once

#include <string>
#include <vector>

#include "esti/cost/plan.h"
#include "esti/hardware/chip.h"
#include "esti/search/space.h"

namespace esti::calibrate {

struct Measurement {
  std::string id;
  search::Space space;          // the configuration; "auto" layouts chosen by the model
  double measured_s = 0;        // the whole phase (prefill) or per generated token (decode)
  bool per_token = false;
};

struct PointResult {
  std::string id;
  double measured_s = 0;
  double predicted_s = 0;
  double relative_error = 0;     // predicted / measured - 1
  std::string ffn_layout;
  std::string attention_sharding;
};

struct FitResult {
  hardware::Calibration calibration;
  std::vector<PointResult> points;
  double rms_log_error = 0;      // sqrt(mean(ln(pred / meas)^2))
  double max_abs_relative_error = 0;
  int64_t objective_evaluations = 0;
};

// Latency the calibrated model predicts for one measurement with `cal` (per token for decode).
PointResult Predict(const Measurement& m, const hardware::Calibration& cal);

// Predictions of every measurement with `cal`, with their rms log error and worst relative error
// (objective_evaluations is 0).
FitResult Score(const std::vector<Measurement>& measurements, const hardware::Calibration& cal);

FitResult Fit(const std::vector<Measurement>& measurements);

}  // namespace esti::calibrate
