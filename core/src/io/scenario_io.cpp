#include "esti/io/scenario_io.h"

#include <cmath>
#include <functional>

#include "esti/calibrate/band.h"
#include "esti/cost/sharding.h"
#include "esti/hardware/topology.h"
#include "esti/io/object_reader.h"
#include "esti/io/spec_io.h"
#include "esti/search/best_plan.h"

namespace esti::io {

namespace {

template <class T>
using OneReader = std::function<T(const Json&, const std::string&)>;

// A field that is one value, or (when lists are allowed) a list of values or "auto" (= `all`).
// Missing: `fallback`, or missing_field when fallback is empty.
template <class T>
std::vector<T> ReadChoice(ObjectReader& r, const std::string& key, bool allow_many,
                          const OneReader<T>& one, const std::vector<T>& all,
                          const std::vector<T>& fallback, bool allow_auto) {
  const Json* v = r.Find(key);
  const std::string path = r.PathOf(key);
  if (v == nullptr) {
    if (fallback.empty()) Fail(codes::kMissingField, path, "required field is missing");
    return fallback;
  }
  if (v->is_string() && v->get_ref<const std::string&>() == "auto") {
    if (!allow_auto) Fail(codes::kInvalidValue, path, "\"auto\" is not allowed here");
    return all;
  }
  if (v->is_array()) {
    if (!allow_many) Fail(codes::kTypeError, path, "expected a single value here, not a list");
    if (v->empty()) Fail(codes::kInvalidValue, path, "the list is empty");
    if (v->size() > kMaxListLength) {
      Fail(codes::kTooLarge, path,
           "lists hold at most " + std::to_string(kMaxListLength) + " values");
    }
    std::vector<T> out;
    for (size_t i = 0; i < v->size(); ++i)
      out.push_back(one((*v)[i], path + "/" + std::to_string(i)));
    return out;
  }
  return {one(*v, path)};
}

template <class E>
OneReader<E> EnumReader(std::vector<std::pair<const char*, E>> names) {
  return [names](const Json& v, const std::string& path) {
    if (!v.is_string())
      Fail(codes::kTypeError, path, std::string("expected a string, got ") + v.type_name());
    const std::string& s = v.get_ref<const std::string&>();
    std::string list;
    for (const auto& [name, value] : names) {
      if (s == name) return value;
      list += (list.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    }
    Fail(codes::kInvalidValue, path, "\"" + s + "\" is not one of " + list + " or \"auto\"");
  };
}

std::vector<int64_t> PowersOfTwo(int64_t max) {
  std::vector<int64_t> out;
  for (int64_t b = 1; b <= max; b *= 2) out.push_back(b);
  return out;
}

}  // namespace

namespace {

// Rejects a search space over the work limits before any plan is scored, naming the field that
// multiplies it: the chip counts (a list, "auto", or a custom torus's many valid counts).
void CheckSearchSize(const ScenarioInput& in, bool topology_given) {
  const search::SpaceSize n = search::CountSpace(in.space);
  const std::string path = topology_given ? "/batch" : "/chips";
  const std::string why =
      " (chip counts x slice shapes x layouts x batches x weight formats); narrow " +
      std::string(topology_given ? "batch or weights" : "chips, batch or weights") +
      ", or lower the hardware's max_chips";
  if (n.combinations > kMaxSearchCombinations) {
    Fail(codes::kTooLarge, path,
         "the search would compare " + std::to_string(n.combinations) +
             " combinations of chips, weights and batch; the limit is " +
             std::to_string(kMaxSearchCombinations) + why);
  }
  if (n.plans > kMaxPlansScored) {
    Fail(codes::kTooLarge, path,
         "the search would score up to " + std::to_string(n.plans) + " plans; the limit is " +
             std::to_string(kMaxPlansScored) + why);
  }
}

}  // namespace

ScenarioInput ReadScenario(const Json& j, ScenarioUse use) {
  using cost::AttentionSharding;
  using cost::FfnLayout;
  using model::WeightFormat;
  const bool many = use != ScenarioUse::kEvaluate;
  ObjectReader r(j, "");
  r.SchemaVersion(kScenarioSchemaVersion, /*required=*/false);
  // Metadata of scenario presets (presets/scenarios): for people, not used.
  r.OptString("id");
  r.OptString("name");
  r.OptString("source", 4096);
  ScenarioInput in;
  search::Space& sp = in.space;
  sp.every_shape = use != ScenarioUse::kEvaluate;
  cost::Scenario& s = sp.base;
  in.model_json = r.Required("model");
  s.model = ReadModel(in.model_json, "/model");
  const Json* hw = r.Find("hardware");
  in.hardware_json = hw != nullptr ? *hw : Json("tpu-v4");
  s.chip = ReadHardware(in.hardware_json, "/hardware");

  // Slice: an explicit topology, or chip counts.
  const Json* topology = r.Find("topology");
  if (topology != nullptr) {
    if (r.Has("chips"))
      Fail(codes::kInvalidValue, "/chips", "give either chips or topology, not both");
    if (!topology->is_array() || topology->size() != 3) {
      Fail(codes::kTypeError, "/topology", "expected [X, Y, Z]: three chip counts");
    }
    std::array<int64_t, 3> dims{};
    for (int i = 0; i < 3; ++i) {
      dims[i] = ToInt((*topology)[i], "/topology/" + std::to_string(i), 1, s.chip.max_axis_chips);
    }
    Result<hardware::Topology> t = hardware::MakeTopology(s.chip, dims, "/topology");
    if (!t.ok()) throw InputError{t.error()};
    sp.topology = t.value();
    s.plan.topology = t.value();
  } else {
    std::vector<int64_t> fallback;
    if (use == ScenarioUse::kFrontier) fallback = hardware::ValidChipCounts(s.chip);
    OneReader<int64_t> count = [&](const Json& v, const std::string& path) {
      int64_t n = ToInt(v, path, 1, s.chip.max_chips);
      Result<hardware::Topology> t = hardware::ChooseTopology(s.chip, n, path);
      if (!t.ok()) throw InputError{t.error()};
      return n;
    };
    sp.chip_counts = ReadChoice<int64_t>(r, "chips", many, count, hardware::ValidChipCounts(s.chip),
                                         fallback, many);
    s.plan.topology = hardware::ChooseTopology(s.chip, sp.chip_counts.front(), "/chips").value();
  }

  if (const Json* roles = r.Find("axis_roles")) {
    if (!roles->is_array() || roles->size() != 3) {
      Fail(codes::kTypeError, "/axis_roles",
           "expected [px, py, pz]: the physical axes playing x, y, z");
    }
    cost::AxisRoles ar;
    std::array<bool, 3> used{};
    for (int i = 0; i < 3; ++i) {
      ar.physical[i] =
          static_cast<int>(ToInt((*roles)[i], "/axis_roles/" + std::to_string(i), 0, 2));
      if (used[ar.physical[i]])
        Fail(codes::kInvalidValue, "/axis_roles/" + std::to_string(i),
             "each physical axis may play only one role");
      used[ar.physical[i]] = true;
    }
    sp.roles = ar;
    s.plan.roles = ar;
  }

  // Workload.
  if (r.Has("phase") || use != ScenarioUse::kFrontier) {
    s.workload.phase =
        r.Enum("phase", {"prefill", "decode"}) == 0 ? cost::Phase::kPrefill : cost::Phase::kDecode;
  } else {
    in.phase_given = false;
  }
  OneReader<int64_t> batch = [](const Json& v, const std::string& path) {
    return ToInt(v, path, 1, kMaxBatch);
  };
  sp.batches = ReadChoice<int64_t>(
      r, "batch", many, batch, PowersOfTwo(kAutoBatchMax),
      use == ScenarioUse::kFrontier ? PowersOfTwo(kAutoBatchMax) : std::vector<int64_t>{}, many);
  s.workload.batch = sp.batches.front();
  const bool prefill_only = in.phase_given && s.workload.phase == cost::Phase::kPrefill;
  s.workload.input_tokens =
      r.Int("input_tokens", prefill_only || !in.phase_given ? 1 : 0, kMaxInputTokens);
  const bool needs_generate = !in.phase_given || s.workload.phase == cost::Phase::kDecode;
  if (needs_generate) {
    s.workload.generate_tokens = r.Int("generate_tokens", 1, kMaxGenerateTokens);
  } else {
    s.workload.generate_tokens = r.OptInt("generate_tokens", 0, kMaxGenerateTokens).value_or(0);
  }

  // Plan choices.
  // "auto" tries bf16 and int8 (the paper's two formats) and fp8 where the chip computes in it;
  // int4 only when asked for (docs/formats.md).
  std::vector<WeightFormat> auto_weights{WeightFormat::kBf16, WeightFormat::kInt8};
  if (s.chip.peak_flops_per_s_fp8 > 0) auto_weights.push_back(WeightFormat::kFp8);
  sp.weights = ReadChoice<WeightFormat>(
      r, "weights", many,
      EnumReader<WeightFormat>({{"bf16", WeightFormat::kBf16},
                                {"int8", WeightFormat::kInt8},
                                {"fp8", WeightFormat::kFp8},
                                {"int4", WeightFormat::kInt4}}),
      auto_weights,
      use == ScenarioUse::kFrontier
          ? std::vector<WeightFormat>{WeightFormat::kBf16, WeightFormat::kInt8}
          : std::vector<WeightFormat>{WeightFormat::kBf16},
      many);
  s.plan.weights = sp.weights.front();
  if (r.Has("kv_cache")) {
    s.plan.kv_cache = static_cast<model::KvFormat>(r.Enum("kv_cache", {"bf16", "fp8", "int8"}));
  }
  std::vector<FfnLayout> all_layouts(cost::kAllFfnLayouts.begin(), cost::kAllFfnLayouts.end());
  sp.ffn_layouts = ReadChoice<FfnLayout>(r, "ffn_layout", true,
                                         EnumReader<FfnLayout>({{"ws1d", FfnLayout::kWs1d},
                                                                {"ws2d", FfnLayout::kWs2d},
                                                                {"wg_x", FfnLayout::kWgX},
                                                                {"wg_xy", FfnLayout::kWgXy},
                                                                {"wg_xyz", FfnLayout::kWgXyz}}),
                                         all_layouts, all_layouts, true);
  s.plan.ffn_layout = sp.ffn_layouts.front();
  std::vector<AttentionSharding> all_attention{AttentionSharding::kHeads,
                                               AttentionSharding::kBatch};
  sp.attentions = ReadChoice<AttentionSharding>(
      r, "attention_sharding", true,
      EnumReader<AttentionSharding>(
          {{"heads", AttentionSharding::kHeads}, {"batch", AttentionSharding::kBatch}}),
      all_attention, all_attention, true);
  s.plan.attention = sp.attentions.front();
  s.mode = r.Has("mode") && r.Enum("mode", {"calibrated", "roofline"}) == 1
               ? cost::Mode::kRoofline
               : cost::Mode::kCalibrated;

  if (use == ScenarioUse::kSearch) {
    if (r.Has("objective")) {
      sp.objective = static_cast<search::Objective>(
          r.Enum("objective", {"min_latency", "min_cost", "max_mfu"}));
    }
    sp.max_latency_s = r.OptNumber("max_latency_s", 1e-9, 1e9);
    sp.max_latency_per_token_s = r.OptNumber("max_latency_per_token_s", 1e-9, 1e9);
  }
  r.Finish();
  if (many) CheckSearchSize(in, topology != nullptr);
  return in;
}

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
  for (const cost::TensorSharding& ts : cost::DescribeSharding(s.plan)) {
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
  AddLatencyBand(s, ev.latency_s, ev.latency_per_token_s, &out);
  return out;
}

}  // namespace esti::io
