#include "io/result_io.h"

#include <cmath>

#include "calibrate/band.h"
#include "cost/sharding.h"

namespace esti::io {

Json ConcreteScenarioJson(const ScenarioInput& in, const cost::Scenario& s) {
  const auto& t = s.plan.topology;
  Json j = {{"schema_version", kScenarioSchemaVersion},
            {"model", in.model_json},
            {"hardware", in.hardware_json},
            {"topology", {t.dims[0], t.dims[1], t.dims[2]}},
            {"axis_roles",
             {s.plan.roles.physical[0], s.plan.roles.physical[1], s.plan.roles.physical[2]}},
            {"phase", cost::ToString(s.workload.phase)},
            {"batch", s.workload.batch},
            {"input_tokens", s.workload.input_tokens},
            {"weights", model::ToString(s.plan.weights)},
            {"ffn_layout", cost::ToString(s.plan.ffn_layout)},
            {"attention_sharding", cost::ToString(s.plan.attention)},
            {"mode", cost::ToString(s.mode)}};
  if (s.workload.phase == cost::Phase::kDecode) j["generate_tokens"] = s.workload.generate_tokens;
  if (s.plan.kv_cache != model::KvFormat::kBf16) j["kv_cache"] = model::ToString(s.plan.kv_cache);
  return j;
}

void AddDollars(const cost::Scenario& s, double cost_chip_s_per_token, Json* out) {
  const double usd_per_chip_hour = s.chip.cost_per_chip_hour_usd;
  if (usd_per_chip_hour <= 0) return;
  constexpr double kSecondsPerHour = 3600.0;
  (*out)["usd_per_million_tokens"] =
      cost_chip_s_per_token * 1e6 * usd_per_chip_hour / kSecondsPerHour;
}

void AddLatencyBand(const cost::Scenario& s, double latency_s, double latency_per_token_s,
                    Json* out) {
  if (s.mode != cost::Mode::kCalibrated) return;
  const calibrate::LatencyBand band = calibrate::BandFor(s);
  if (band.available) {
    (*out)["latency_band"] = {{"low_s", latency_s * band.low_factor},
                              {"high_s", latency_s * band.high_factor},
                              {"low_per_token_s", latency_per_token_s * band.low_factor},
                              {"high_per_token_s", latency_per_token_s * band.high_factor},
                              {"neighbours", band.neighbours}};
  }
  (*out)["calibration_warnings"] = band.warnings;
}

namespace {

Json CollectiveJson(const cost::CollectiveTerm& c, double layers, double passes) {
  return {{"name", c.name},
          {"kind", cost::ToString(c.kind)},
          {"axes", cost::RolesToString(c.roles)},
          {"group_size", c.time.group_size},
          {"bytes_per_chip_per_layer", c.bytes_per_chip},
          {"bandwidth_bytes_per_s", c.time.bandwidth_bytes_per_s},
          {"time_per_layer_s", c.time.time_s()},
          {"latency_per_layer_s", c.time.latency_s},
          {"time_s", c.time.time_s() * layers * passes}};
}

}  // namespace

namespace {

// What each part of the model is stored and computed in (docs/formats.md).
Json FormatsJson(const cost::Scenario& s, const cost::MatmulFormat& matmul) {
  Json j = {{"weights", model::ToString(s.plan.weights)},
            {"weight_bytes_per_parameter", model::BytesPerWeight(s.plan.weights)},
            {"kv_cache", model::ToString(s.plan.kv_cache)},
            {"kv_bytes_per_element", model::KvBytesPerElement(s.plan.kv_cache)},
            {"matmul", matmul.format},
            {"attention", "bf16"}};
  if (!matmul.fallback.empty()) j["fallback"] = matmul.fallback;
  return j;
}

}  // namespace

Json EvaluationToJson(const ScenarioInput& in, const cost::Scenario& s,
                      const cost::Evaluation& ev) {
  const auto& t = s.plan.topology;
  const std::array<int64_t, 3> roles = cost::RoleSizes(s.plan);
  const double layers = static_cast<double>(s.model.n_layers);
  const double passes = static_cast<double>(ev.passes);
  const bool calibrated = s.mode == cost::Mode::kCalibrated;
  const hardware::Calibration& cal = s.chip.calibration;
  const double matmul_eff = calibrated ? cal.matmul_efficiency : 1.0;
  const double hbm_eff = calibrated ? cal.hbm_efficiency : 1.0;
  const cost::PhaseTotals& tot = ev.totals;
  const cost::MatmulFormat matmul = cost::MatmulFormatFor(s.chip, s.plan.weights);

  Json collectives = Json::array();
  for (int i = 0; i < ev.n_collectives; ++i) {
    collectives.push_back(CollectiveJson(ev.collectives[i], layers, passes));
  }
  Json terms = Json::array();
  terms.push_back({{"name", "compute"},
                   {"time_s", tot.compute_s},
                   {"formula",
                    "(matmul_flops x matmul_time_scale + attention_flops) / (peak_flops_per_s_bf16 "
                    "x matmul_efficiency); matmul_time_scale (calibrated): weight dims padded to "
                    "matmul_unit_dim, tokens to at least it, x (1 + matmul_half_dim / d) per "
                    "per-chip weight dim d"},
                   {"inputs",
                    {{"matmul_flops", tot.matmul_flops},
                     {"matmul_time_scale", ev.first_pass.matmul_time_scale},
                     {"matmul_unit_dim", s.chip.matmul_unit_dim},
                     {"matmul_half_dim", calibrated ? cal.matmul_half_dim : 0.0},
                     {"attention_flops", tot.attention_flops},
                     {"peak_flops_per_s_bf16", s.chip.peak_flops_per_s_bf16},
                     {"matmul_format", matmul.format},
                     {"peak_flops_per_s_matmul", matmul.peak_flops_per_s},
                     {"matmul_efficiency", matmul_eff}}}});
  terms.push_back(
      {{"name", "weight_load"},
       {"time_s", tot.weight_load_s},
       {"formula", "weight_bytes / (hbm_bandwidth_bytes_per_s x hbm_efficiency), once per pass"},
       {"inputs",
        {{"weight_bytes", tot.weight_bytes},
         {"hbm_bandwidth_bytes_per_s", s.chip.hbm_bandwidth_bytes_per_s},
         {"hbm_efficiency", hbm_eff}}}});
  terms.push_back(
      {{"name", "kv_load"},
       {"time_s", tot.kv_load_s},
       {"formula", "kv_bytes / (hbm_bandwidth_bytes_per_s x hbm_efficiency)"},
       {"inputs",
        {{"kv_bytes", tot.kv_bytes},
         {"sequences_per_chip", std::ceil(static_cast<double>(s.workload.batch) /
                                          static_cast<double>(ev.attention_split.batch_ways))},
         {"kv_heads_per_chip", std::ceil(static_cast<double>(s.model.n_kv_heads) /
                                         static_cast<double>(ev.attention_split.head_ways))}}}});
  terms.push_back(
      {{"name", "communication"},
       {"time_s", tot.comm_s},
       {"formula",
        "n_layers x sum over collectives of (bytes_per_chip x (K-1)/K / bandwidth + hops x hop "
        "latency + per_collective_overhead_s)"},
       {"inputs",
        {{"n_layers", s.model.n_layers},
         {"ici_link_bandwidth_bytes_per_s", s.chip.ici_link_bandwidth_bytes_per_s},
         {"ici_efficiency", calibrated ? cal.ici_efficiency : 1.0},
         {"ici_hop_latency_s", calibrated ? s.chip.ici_hop_latency_s : 0.0},
         {"per_collective_overhead_s", calibrated ? cal.per_collective_overhead_s : 0.0}}}});
  terms.push_back(
      {{"name", "overhead"},
       {"time_s", tot.overhead_s},
       {"formula",
        "n_layers x per_layer_overhead_s + per_step_overhead_s, per pass (calibrated only)"},
       {"inputs",
        {{"per_layer_overhead_s", calibrated ? cal.per_layer_overhead_s : 0.0},
         {"per_step_overhead_s", calibrated ? cal.per_step_overhead_s : 0.0}}}});

  Json does_not_fit = ev.does_not_fit;
  // Each tensor's split over the roles, with the number of ways per dimension (heads and batch
  // are replicated when they are fewer than the ways: see attention_batch_ways/head_ways).
  Json sharding = Json::array();
  for (const cost::TensorSharding& ts : cost::DescribeSharding(s.plan, s.model.n_kv_heads)) {
    Json splits = Json::object(), ways = Json::object();
    for (const cost::DimSplit& d : ts.dims) {
      int64_t w = 1;
      for (int r = 0; r < 3; ++r) {
        if (d.roles & (1 << r)) w *= roles[r];
      }
      splits[d.dim] = cost::RolesToString(d.roles);
      ways[d.dim] = w;
    }
    sharding.push_back({{"tensor", ts.tensor},
                        {"notation", cost::Notation(ts)},
                        {"splits", std::move(splits)},
                        {"ways", std::move(ways)}});
  }
  Json out = {{"scenario", ConcreteScenarioJson(in, s)},
              {"model_id", s.model.id},
              {"model_name", s.model.name},
              {"hardware_id", s.chip.id},
              {"hardware_name", s.chip.name},
              {"phase", cost::ToString(s.workload.phase)},
              {"mode", cost::ToString(s.mode)},
              {"chips", t.chips()},
              {"topology", {t.dims[0], t.dims[1], t.dims[2]}},
              {"wraparound", t.wraparound[0]},
              {"axis_roles",
               {s.plan.roles.physical[0], s.plan.roles.physical[1], s.plan.roles.physical[2]}},
              {"role_sizes", {{"x", roles[0]}, {"y", roles[1]}, {"z", roles[2]}}},
              {"batch", s.workload.batch},
              {"input_tokens", s.workload.input_tokens},
              {"generate_tokens",
               s.workload.phase == cost::Phase::kDecode ? s.workload.generate_tokens : 0},
              {"weights", model::ToString(s.plan.weights)},
              {"formats", FormatsJson(s, matmul)},
              {"ffn_layout", cost::ToString(s.plan.ffn_layout)},
              {"attention_sharding", cost::ToString(s.plan.attention)},
              {"attention_batch_ways", ev.attention_split.batch_ways},
              {"attention_head_ways", ev.attention_split.head_ways},
              {"sharding", std::move(sharding)},
              {"latency_s", ev.latency_s},
              {"latency_per_token_s", ev.latency_per_token_s},
              {"tokens", ev.tokens},
              {"mfu", ev.mfu},
              {"cost_chip_s_per_token", ev.cost_chip_s_per_token},
              {"throughput_tokens_per_s", ev.throughput_tokens_per_s},
              {"memory_per_chip_bytes", ev.memory.total_bytes},
              {"memory",
               {{"weights_bytes", ev.memory.weights_bytes},
                {"kv_cache_bytes", ev.memory.kv_cache_bytes},
                {"working_bytes", ev.memory.working_bytes},
                {"total_bytes", ev.memory.total_bytes},
                {"hbm_capacity_bytes", ev.memory.hbm_capacity_bytes}}},
              {"fits", ev.fits},
              {"does_not_fit", std::move(does_not_fit)},
              {"breakdown",
               {{"compute_s", tot.compute_s},
                {"weight_load_s", tot.weight_load_s},
                {"kv_load_s", tot.kv_load_s},
                {"comm_s", tot.comm_s},
                {"overhead_s", tot.overhead_s},
                {"passes", ev.passes},
                {"step_time_formula",
                 calibrated ? "max(compute, weight_load + kv_load) + comm - comm_overlap x "
                              "min(comm, max(compute, weight_load + kv_load)) + overhead"
                            : "max(compute, weight_load + kv_load, comm)"},
                {"comm_overlap", calibrated ? cal.comm_overlap : 1.0},
                {"matmul_flops_per_chip", tot.matmul_flops},
                {"attention_flops_per_chip", tot.attention_flops},
                {"weight_bytes_per_chip", tot.weight_bytes},
                {"kv_bytes_per_chip", tot.kv_bytes},
                {"collectives", std::move(collectives)},
                {"terms", std::move(terms)}}}};
  AddDollars(s, ev.cost_chip_s_per_token, &out);
  AddLatencyBand(s, ev.latency_s, ev.latency_per_token_s, &out);
  return out;
}

}  // namespace esti::io
