#include "io/object_reader.h"
#include "io/spec_io.h"

namespace esti::io {

namespace {

constexpr size_t kMaxResiduals = 1024;

std::pair<double, double> ReadRange(const Json& v, const std::string& path, double max) {
  if (!v.is_array() || v.size() != 2) Fail(codes::kTypeError, path, "expected [min, max]");
  const double lo = ToNumber(v[0], path + "/0", 0, max);
  const double hi = ToNumber(v[1], path + "/1", lo, max);
  return {lo, hi};
}

hardware::CalibrationValidity ReadValidity(const Json& v, const std::string& path) {
  ObjectReader r(v, path);
  hardware::CalibrationValidity out;
  out.hardware_id = r.String("hardware");
  std::tie(out.min_chips, out.max_chips) = ReadRange(r.Required("chips"), r.PathOf("chips"), 1e7);
  std::tie(out.min_batch, out.max_batch) = ReadRange(r.Required("batch"), r.PathOf("batch"), 1e9);
  std::tie(out.min_params, out.max_params) =
      ReadRange(r.Required("total_params"), r.PathOf("total_params"), 1e16);
  out.n_kv_heads = r.OptInt("n_kv_heads", 1, 1 << 20).value_or(0);
  out.block_type = r.OptString("block_type", 32).value_or("");
  out.ffn_type = r.OptString("ffn_type", 32).value_or("");
  const Json& list = r.Required("residuals");
  const std::string lp = r.PathOf("residuals");
  r.Finish();
  if (!list.is_array() || list.empty()) Fail(codes::kTypeError, lp, "expected a non-empty list");
  if (list.size() > kMaxResiduals) Fail(codes::kTooLarge, lp, "at most 1024 residuals");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string ip = lp + "/" + std::to_string(i);
    const Json& e = list[i];
    if (!e.is_array() || e.size() != 4 || !e[0].is_string()) {
      Fail(codes::kTypeError, ip, "expected [\"decode\"|\"prefill\", chips, batch, log_error]");
    }
    const std::string phase = e[0].get<std::string>();
    if (phase != "decode" && phase != "prefill") {
      Fail(codes::kInvalidValue, ip + "/0", "expected \"decode\" or \"prefill\"");
    }
    out.residuals.push_back({phase == "decode", ToNumber(e[1], ip + "/1", 1, 1e7),
                             ToNumber(e[2], ip + "/2", 1, 1e9),
                             ToNumber(e[3], ip + "/3", -10, 10)});
  }
  return out;
}

}  // namespace

hardware::Calibration ReadCalibration(const Json& v, const std::string& path) {
  ObjectReader cr(v, path);
  hardware::Calibration k;
  k.matmul_efficiency = cr.Number("matmul_efficiency", 0.01, 1);
  k.matmul_half_dim = cr.OptNumber("matmul_half_dim", 0, 1e6).value_or(0);
  k.hbm_efficiency = cr.Number("hbm_efficiency", 0.01, 1);
  k.ici_efficiency = cr.Number("ici_efficiency", 0.01, 1);
  k.comm_overlap = cr.Number("comm_overlap", 0, 1);
  k.per_layer_overhead_s = cr.Number("per_layer_overhead_s", 0, 1);
  k.per_collective_overhead_s = cr.OptNumber("per_collective_overhead_s", 0, 1).value_or(0);
  k.per_step_overhead_s = cr.Number("per_step_overhead_s", 0, 10);
  if (const Json* val = cr.Find("validity")) k.validity = ReadValidity(*val, cr.PathOf("validity"));
  cr.OptString("source", 4096);
  cr.Finish();
  return k;
}

Json CalibrationToJson(const hardware::Calibration& c) {
  Json j = {{"matmul_efficiency", c.matmul_efficiency},
            {"matmul_half_dim", c.matmul_half_dim},
            {"hbm_efficiency", c.hbm_efficiency},
            {"ici_efficiency", c.ici_efficiency},
            {"comm_overlap", c.comm_overlap},
            {"per_layer_overhead_s", c.per_layer_overhead_s},
            {"per_collective_overhead_s", c.per_collective_overhead_s},
            {"per_step_overhead_s", c.per_step_overhead_s}};
  const hardware::CalibrationValidity& v = c.validity;
  if (v.empty()) return j;
  Json residuals = Json::array();
  for (const hardware::CalibrationResidual& r : v.residuals) {
    residuals.push_back({r.decode ? "decode" : "prefill", r.chips, r.batch, r.log_error});
  }
  Json vj = {{"hardware", v.hardware_id},
             {"chips", {v.min_chips, v.max_chips}},
             {"batch", {v.min_batch, v.max_batch}},
             {"total_params", {v.min_params, v.max_params}},
             {"residuals", std::move(residuals)}};
  if (v.n_kv_heads > 0) vj["n_kv_heads"] = v.n_kv_heads;
  if (!v.block_type.empty()) vj["block_type"] = v.block_type;
  if (!v.ffn_type.empty()) vj["ffn_type"] = v.ffn_type;
  j["validity"] = std::move(vj);
  return j;
}

}  // namespace esti::io
