// Fits the `calibrated` mode's hardware parameters (hardware::Calibration) to measured latencies,
// and measures how well the fit predicts what it never saw.
//
// The fit is a model of the hardware, not a table of points: a few physical parameters shared by
// every measurement (README "Calibrated mode" gives each one's cause), chosen to minimise the
// squared log error of predicted vs measured latency. A measurement may name several candidate
// configurations (a figure point whose chip count is not printed): its prediction is the fastest
// candidate that fits in memory, the point the measured Pareto frontier would show.
//
// Deterministic: alternating rounds of (a) choosing each measurement's fastest plan under the
// current parameters and (b) Levenberg-Marquardt on the parameters with those plans fixed, from
// fixed starts; the reported predictions always come from the full search (Predict).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "cost/plan.h"
#include "hardware/chip.h"
#include "search/space.h"

namespace esti::calibrate {

struct Measurement {
  std::string id;
  std::string group;     // the table or figure it comes from ("table2", "fig1-decode", ...)
  std::string model_id;  // the model measured: cross-validation leaves one out at a time
  // Candidate configurations ("auto" layouts chosen by the model); at least one.
  std::vector<search::Space> candidates;
  double measured_s = 0;  // the whole phase (prefill), or per generated token (decode)
  bool per_token = false;
};

struct PointResult {
  std::string id;
  std::string group;
  std::string model_id;
  bool decode = false;
  double measured_s = 0;
  double predicted_s = 0;
  double relative_error = 0;  // predicted / measured - 1
  int64_t chips = 0;          // of the chosen candidate
  int64_t batch = 0;
  std::string ffn_layout;
  std::string attention_sharding;
  cost::Scenario scenario;  // the chosen candidate as evaluated (concrete plan, batch, mode)
};

// The fitted parameters, in this order.
inline constexpr int kParams = 8;
extern const std::array<const char*, kParams> kParamNames;

struct ParameterReport {
  std::string name;
  double value = 0;
  bool fitted = true;     // false: fixed (FitOptions), not estimated from the data
  bool at_bound = false;  // the fit ended on a bound: no standard error
  // From the Jacobian at the optimum; absent when fixed, at a bound, or not identifiable (fewer
  // points than free parameters, or a singular Jacobian).
  std::optional<double> std_error;
};

struct FitResult {
  hardware::Calibration calibration;
  std::vector<PointResult> points;
  double rms_log_error = 0;  // sqrt(mean(ln(pred / meas)^2))
  double median_abs_relative_error = 0;
  double max_abs_relative_error = 0;
  int64_t objective_evaluations = 0;
  std::vector<ParameterReport> parameters;  // empty for Score
  // Pairs of fitted parameters whose estimates are correlated beyond 0.95: the data cannot tell
  // them apart (names, correlation).
  std::vector<std::pair<std::string, double>> confounded;
  // Plain-language limits of this fit (e.g. fewer points than fitted parameters).
  std::vector<std::string> warnings;
};

struct FitOptions {
  // Parameters held at `start`'s value instead of fitted (by index into kParamNames).
  std::array<bool, kParams> fixed{};
  hardware::Calibration start;  // fixed values (and validity, copied to the result)
};

// The options esti uses for TPU v4: which parameters the data can identify (README).
FitOptions DefaultFitOptions();

// Latency the model predicts for one measurement with `cal` (per token for decode); calibrated
// mode unless `mode` says roofline (then `cal` is unused and candidates are chosen by roofline).
PointResult Predict(const Measurement& m, const hardware::Calibration& cal,
                    cost::Mode mode = cost::Mode::kCalibrated);

// Predictions of every measurement with `cal` and their error statistics.
FitResult Score(const std::vector<Measurement>& measurements, const hardware::Calibration& cal);

FitResult Fit(const std::vector<Measurement>& measurements, const FitOptions& options);

// Cross-validation: each fold leaves out one model (or one group) and predicts it.
enum class FoldBy { kModel, kGroup };
struct Fold {
  std::string left_out;
  hardware::Calibration calibration;  // fitted without it
  FitResult held;                     // its predictions of what was left out
};
struct CrossValidation {
  FoldBy by = FoldBy::kModel;
  std::vector<Fold> folds;
  std::vector<PointResult> held_out;  // every fold's predictions, in measurement order
  double median_abs_relative_error = 0;
  double max_abs_relative_error = 0;
  double rms_log_error = 0;
};
CrossValidation CrossValidate(const std::vector<Measurement>& measurements, FoldBy by,
                              const FitOptions& options);

// Error statistics of a set of predictions (filled into `out`).
void Summarise(const std::vector<PointResult>& points, double* rms_log, double* median_abs,
               double* max_abs);

}  // namespace esti::calibrate
