// Error bands and range warnings of calibrated numbers, from the calibration's cross-validated
// residuals (hardware::CalibrationValidity, written by `esti calibrate`).
#pragma once

#include <string>
#include <vector>

#include "calibrate/fit.h"
#include "cost/plan.h"

namespace esti::calibrate {

// What the data covered and the leave-one-model-out residuals of every point (or, with one model,
// leave-one-group-out).
hardware::CalibrationValidity BuildValidity(const std::vector<Measurement>& measurements,
                                            const CrossValidation& cv);

// The band multiplies a calibrated latency: measured / predicted for the neighbours of this
// configuration ranged from low_factor to high_factor.
inline constexpr int kBandNeighbours = 8;

struct LatencyBand {
  bool available = false;  // false: roofline mode, or a calibration without residuals
  double low_factor = 1;
  double high_factor = 1;
  int neighbours = 0;
  std::vector<std::string> warnings;  // where the configuration lies outside the data
};

// The band of a scenario's calibrated latency: among the residuals of the same phase, the
// kBandNeighbours nearest in |ln(chips ratio)| + |ln(batch ratio)| (ties: first listed), measured /
// predicted from its smallest to its largest. Warnings for another chip, another model family, and
// chips, batch or model size beyond the measured range.
LatencyBand BandFor(const cost::Scenario& s);
// The same for a calibrated configuration given by its parts.
LatencyBand BandAt(const hardware::ChipSpec& chip, const model::ModelConfig& m, bool decode,
                   double chips, double batch);

}  // namespace esti::calibrate
