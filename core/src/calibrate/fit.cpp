#include "esti/calibrate/fit.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "esti/cost/evaluate.h"
#include "esti/search/best_plan.h"

namespace esti::calibrate {

namespace {

constexpr int kParams = 6;

// Bounds of each parameter: efficiencies in (0, 1], overlap in [0, 1], overheads small and
// non-negative (a layer's fixed cost above 1 ms or a step's above 50 ms would be a software bug,
// not hardware).
constexpr std::array<double, kParams> kLow = {0.05, 0.05, 0.05, 0.0, 0.0, 0.0};
constexpr std::array<double, kParams> kHigh = {1.0, 1.0, 1.0, 1.0, 1e-3, 50e-3};

hardware::Calibration FromVector(const std::array<double, kParams>& v) {
  return hardware::Calibration{v[0], v[1], v[2], v[3], v[4], v[5]};
}

}  // namespace

PointResult Predict(const Measurement& m, const hardware::Calibration& cal) {
  search::Space space = m.space;
  space.base.chip.calibration = cal;
  space.base.mode = cost::Mode::kCalibrated;
  search::ScoredPlan best = search::BestPlanFor(space);
  cost::Evaluation ev = cost::Evaluate(best.scenario);
  PointResult p;
  p.id = m.id;
  p.measured_s = m.measured_s;
  p.predicted_s = m.per_token ? ev.latency_per_token_s : ev.latency_s;
  p.relative_error = p.predicted_s / p.measured_s - 1;
  p.ffn_layout = cost::ToString(best.scenario.plan.ffn_layout);
  p.attention_sharding = cost::ToString(best.scenario.plan.attention);
  return p;
}

FitResult Score(const std::vector<Measurement>& measurements, const hardware::Calibration& cal) {
  FitResult out;
  out.calibration = cal;
  double sum = 0;
  for (const Measurement& m : measurements) {
    PointResult p = Predict(m, cal);
    const double r = std::log(p.predicted_s / p.measured_s);
    sum += r * r;
    out.max_abs_relative_error = std::max(out.max_abs_relative_error, std::fabs(p.relative_error));
    out.points.push_back(p);
  }
  out.rms_log_error =
      measurements.empty() ? 0 : std::sqrt(sum / static_cast<double>(measurements.size()));
  return out;
}

FitResult Fit(const std::vector<Measurement>& measurements) {
  FitResult out;
  auto objective = [&](const std::array<double, kParams>& v) {
    ++out.objective_evaluations;
    double sum = 0;
    for (const Measurement& m : measurements) {
      double r = std::log(Predict(m, FromVector(v)).predicted_s / m.measured_s);
      sum += r * r;
    }
    return sum;
  };
  // Hooke-Jeeves pattern search in bounds, from a few fixed starts; the best result wins.
  const std::array<std::array<double, kParams>, 3> starts = {{
      {0.6, 0.8, 0.7, 0.5, 50e-6, 1e-3},
      {0.9, 0.5, 0.3, 0.9, 10e-6, 5e-3},
      {0.4, 0.9, 0.9, 0.1, 150e-6, 0.0},
  }};
  std::array<double, kParams> best_v{};
  double best_f = 1e300;
  for (const auto& start : starts) {
    std::array<double, kParams> v = start;
    double f = objective(v);
    std::array<double, kParams> step;
    for (int i = 0; i < kParams; ++i) step[i] = (kHigh[i] - kLow[i]) / 4;
    for (int iter = 0; iter < 400; ++iter) {
      bool improved = false;
      for (int i = 0; i < kParams; ++i) {
        for (double dir : {1.0, -1.0}) {
          std::array<double, kParams> t = v;
          t[i] = std::clamp(v[i] + dir * step[i], kLow[i], kHigh[i]);
          if (t[i] == v[i]) continue;
          double ft = objective(t);
          if (ft < f) {
            v = t;
            f = ft;
            improved = true;
            break;
          }
        }
      }
      if (!improved) {
        bool done = true;
        for (int i = 0; i < kParams; ++i) {
          step[i] /= 2;
          if (step[i] > (kHigh[i] - kLow[i]) * 1e-5) done = false;
        }
        if (done) break;
      }
    }
    if (f < best_f) {
      best_f = f;
      best_v = v;
    }
  }
  const int64_t evaluations = out.objective_evaluations;
  out = Score(measurements, FromVector(best_v));
  out.objective_evaluations = evaluations;
  return out;
}

}  // namespace esti::calibrate
