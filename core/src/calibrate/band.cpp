#include "calibrate/band.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "common/det_math.h"
#include "model/model.h"

namespace esti::calibrate {

namespace {

std::string Num(double v) {
  char buf[32];
  // A short numeric format: it fits and cannot fail, so the count is discarded (cert-err33-c).
  (void)std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

}  // namespace

hardware::CalibrationValidity BuildValidity(const std::vector<Measurement>& measurements,
                                            const CrossValidation& cv) {
  hardware::CalibrationValidity v;
  if (measurements.empty() || cv.held_out.empty()) return v;
  bool first = true;
  bool same_kv = true, same_block = true, same_ffn = true;
  for (const Measurement& m : measurements) {
    for (const search::Space& c : m.candidates) {
      const cost::Scenario& s = c.base;
      const double chips =
          static_cast<double>(c.topology ? c.topology->chips() : c.chip_counts.front());
      const double batch = static_cast<double>(s.workload.batch);
      const double params = model::CountParams(s.model).total;
      if (first) {
        v.hardware_id = s.chip.id;
        v.min_chips = v.max_chips = chips;
        v.min_batch = v.max_batch = batch;
        v.min_params = v.max_params = params;
        v.n_kv_heads = s.model.n_kv_heads;
        v.block_type = model::ToString(s.model.block_type);
        v.ffn_type = model::ToString(s.model.ffn_type);
        first = false;
      }
      v.min_chips = std::min(v.min_chips, chips);
      v.max_chips = std::max(v.max_chips, chips);
      v.min_batch = std::min(v.min_batch, batch);
      v.max_batch = std::max(v.max_batch, batch);
      v.min_params = std::min(v.min_params, params);
      v.max_params = std::max(v.max_params, params);
      same_kv = same_kv && s.model.n_kv_heads == v.n_kv_heads;
      same_block = same_block && v.block_type == model::ToString(s.model.block_type);
      same_ffn = same_ffn && v.ffn_type == model::ToString(s.model.ffn_type);
    }
  }
  if (!same_kv) v.n_kv_heads = 0;
  if (!same_block) v.block_type.clear();
  if (!same_ffn) v.ffn_type.clear();
  for (const PointResult& p : cv.held_out) {
    v.residuals.push_back({p.decode, static_cast<double>(p.chips), static_cast<double>(p.batch),
                           DetLog(p.predicted_s / p.measured_s)});
  }
  return v;
}

namespace {

// No fitted parameter at all: the calibrated mode then runs at peak rates with no fixed costs.
bool Uncalibrated(const hardware::Calibration& c) {
  const hardware::Calibration none;
  return c.matmul_efficiency == none.matmul_efficiency &&
         c.matmul_half_dim == none.matmul_half_dim && c.hbm_efficiency == none.hbm_efficiency &&
         c.ici_efficiency == none.ici_efficiency && c.comm_overlap == none.comm_overlap &&
         c.per_layer_overhead_s == none.per_layer_overhead_s &&
         c.per_collective_overhead_s == none.per_collective_overhead_s &&
         c.per_step_overhead_s == none.per_step_overhead_s;
}

// Issue 13 item 7: what "calibrated" means on a chip nobody calibrated, in words a reader of one
// number can act on. Only TPU v4 is calibrated (its preset's calibration block, written by esti
// calibrate from the paper's measurements: docs/paper-data.md).
std::string NoCalibrationWarning(const hardware::ChipSpec& chip) {
  const std::string name = chip.name.empty() ? chip.id : chip.name;
  return "\"" + name +
         "\" has no calibration (only TPU v4 is calibrated, from the paper's measurements): this "
         "latency uses its peak FLOP/s and bandwidths with no measured efficiencies or fixed "
         "overheads (a roofline, plus collectives not hidden under compute and their per-hop "
         "latencies), so expect real latency to be higher; no error band";
}

}  // namespace

LatencyBand BandFor(const cost::Scenario& s) {
  if (s.mode != cost::Mode::kCalibrated) return LatencyBand{};
  return BandAt(s.chip, s.model, s.workload.phase == cost::Phase::kDecode,
                static_cast<double>(s.plan.topology.chips()),
                static_cast<double>(s.workload.batch));
}

LatencyBand BandAt(const hardware::ChipSpec& chip, const model::ModelConfig& m, bool decode,
                   double chips, double batch) {
  LatencyBand band;
  const hardware::CalibrationValidity& v = chip.calibration.validity;
  if (v.empty()) {
    band.warnings.push_back(
        Uncalibrated(chip.calibration)
            ? NoCalibrationWarning(chip)
            : "this chip's calibration carries no cross-validated residuals, so "
              "no error band can be given");
    return band;
  }
  // Nearest residuals of the same phase.
  std::vector<std::pair<double, double>> near;  // (distance, log error)
  for (const hardware::CalibrationResidual& r : v.residuals) {
    if (r.decode != decode) continue;
    const double d = std::fabs(DetLog(chips / r.chips)) + std::fabs(DetLog(batch / r.batch));
    near.push_back({d, r.log_error});
  }
  std::stable_sort(near.begin(), near.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (near.size() > static_cast<size_t>(kBandNeighbours)) near.resize(kBandNeighbours);
  if (!near.empty()) {
    double lo = near.front().second, hi = lo;
    for (const auto& [d, e] : near) {
      lo = std::min(lo, e);
      hi = std::max(hi, e);
    }
    // measured = predicted x exp(-log_error)
    band.available = true;
    band.low_factor = DetExp(-hi);
    band.high_factor = DetExp(-lo);
    band.neighbours = static_cast<int>(near.size());
  }
  if (chip.id != v.hardware_id) {
    band.warnings.push_back("calibrated on " + v.hardware_id + ", not on " +
                            (chip.id.empty() ? std::string("this chip") : chip.id) +
                            ": its efficiencies and fixed costs are " + v.hardware_id + "'s");
  }
  if ((v.n_kv_heads > 0 && m.n_kv_heads != v.n_kv_heads) ||
      (!v.block_type.empty() && v.block_type != model::ToString(m.block_type)) ||
      (!v.ffn_type.empty() && v.ffn_type != model::ToString(m.ffn_type))) {
    band.warnings.push_back("another model family than the calibration data (" +
                            std::to_string(v.n_kv_heads) + " K/V head(s), " + v.block_type +
                            " block, " + v.ffn_type + ")");
  }
  auto outside = [&](const char* what, double x, double lo, double hi) {
    if (x < lo || x > hi) {
      band.warnings.push_back(std::string(what) + " " + Num(x) + " is outside the measured " +
                              Num(lo) + "-" + Num(hi));
    }
  };
  outside("chips", chips, v.min_chips, v.max_chips);
  outside("batch", batch, v.min_batch, v.max_batch);
  outside("total parameters", model::CountParams(m).total, v.min_params, v.max_params);
  return band;
}

}  // namespace esti::calibrate
