#include "io/scenario_io.h"

#include <functional>

#include "hardware/topology.h"
#include "io/fields.h"
#include "io/object_reader.h"
#include "io/spec_io.h"
#include "search/best_plan.h"

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

// A value of an enum with a table, where "auto" is also allowed (ReadChoice handles it).
template <class E>
OneReader<E> EnumReader(bool auto_allowed) {
  return [auto_allowed](const Json& v, const std::string& path) {
    return EnumValue<E>(v, path, auto_allowed);
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
      dims[i] = ToInt((*topology)[i], "/topology/" + std::to_string(i),
                      static_cast<int64_t>(fields::scenario::kTopology.min), s.chip.max_axis_chips);
    }
    Result<hardware::Topology> t = hardware::MakeTopology(s.chip, dims, "/topology");
    if (!t.ok()) throw InputError{t.error()};
    sp.topology = t.value();
    s.plan.topology = t.value();
  } else {
    std::vector<int64_t> fallback;
    if (use == ScenarioUse::kFrontier) fallback = hardware::ValidChipCounts(s.chip);
    OneReader<int64_t> count = [&](const Json& v, const std::string& path) {
      int64_t n =
          ToInt(v, path, static_cast<int64_t>(fields::scenario::kChips.min), s.chip.max_chips);
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
      ar.physical[i] = static_cast<int>(fields::IntValue(
          (*roles)[i], "/axis_roles/" + std::to_string(i), fields::scenario::kAxisRoles));
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
    s.workload.phase = r.Enum<cost::Phase>("phase");
  } else {
    in.phase_given = false;
  }
  OneReader<int64_t> batch = [](const Json& v, const std::string& path) {
    return fields::IntValue(v, path, fields::scenario::kBatch);
  };
  sp.batches = ReadChoice<int64_t>(
      r, "batch", many, batch, PowersOfTwo(kAutoBatchMax),
      use == ScenarioUse::kFrontier ? PowersOfTwo(kAutoBatchMax) : std::vector<int64_t>{}, many);
  s.workload.batch = sp.batches.front();
  const bool prefill_only = in.phase_given && s.workload.phase == cost::Phase::kPrefill;
  const fields::Field& input = fields::scenario::kInputTokens;
  // Prefill processes at least one token (the field's help says so).
  s.workload.input_tokens = r.Int(std::string(input.key), prefill_only || !in.phase_given ? 1 : 0,
                                  static_cast<int64_t>(input.max));
  const bool needs_generate = !in.phase_given || s.workload.phase == cost::Phase::kDecode;
  const fields::Field& generate = fields::scenario::kGenerateTokens;
  if (needs_generate) {
    s.workload.generate_tokens = fields::Int(r, generate);
  } else {
    // Prefill ignores it; a scenario switched from decode may still carry it.
    s.workload.generate_tokens =
        r.OptInt(std::string(generate.key), 0, static_cast<int64_t>(generate.max)).value_or(0);
  }

  // Plan choices.
  // "auto" tries bf16 and int8 (the paper's two formats) and fp8 where the chip computes in it;
  // int4 only when asked for (docs/formats.md).
  std::vector<WeightFormat> auto_weights{WeightFormat::kBf16, WeightFormat::kInt8};
  if (s.chip.peak_flops_per_s_fp8 > 0) auto_weights.push_back(WeightFormat::kFp8);
  sp.weights = ReadChoice<WeightFormat>(
      r, "weights", many, EnumReader<WeightFormat>(many), auto_weights,
      use == ScenarioUse::kFrontier
          ? std::vector<WeightFormat>{WeightFormat::kBf16, WeightFormat::kInt8}
          : std::vector<WeightFormat>{WeightFormat::kBf16},
      many);
  s.plan.weights = sp.weights.front();
  s.plan.kv_cache = r.OptEnum<model::KvFormat>("kv_cache").value_or(model::KvFormat::kBf16);
  std::vector<FfnLayout> all_layouts(cost::kAllFfnLayouts.begin(), cost::kAllFfnLayouts.end());
  sp.ffn_layouts = ReadChoice<FfnLayout>(r, "ffn_layout", true, EnumReader<FfnLayout>(true),
                                         all_layouts, all_layouts, true);
  s.plan.ffn_layout = sp.ffn_layouts.front();
  // "auto": the search skips the hybrid where it equals a pure sharding (best_plan.cpp).
  std::vector<AttentionSharding> all_attention{AttentionSharding::kHeads, AttentionSharding::kBatch,
                                               AttentionSharding::kHybrid};
  sp.attentions = ReadChoice<AttentionSharding>(r, "attention_sharding", true,
                                                EnumReader<AttentionSharding>(true), all_attention,
                                                all_attention, true);
  s.plan.attention = sp.attentions.front();
  s.mode = r.OptEnum<cost::Mode>("mode").value_or(cost::Mode::kCalibrated);

  if (use == ScenarioUse::kSearch) {
    sp.objective = r.OptEnum<search::Objective>("objective").value_or(sp.objective);
    sp.max_latency_s = fields::OptNumber(r, fields::scenario::kMaxLatency);
    sp.max_latency_per_token_s = fields::OptNumber(r, fields::scenario::kMaxLatencyPerToken);
  }
  r.Finish();
  if (many) CheckSearchSize(in, topology != nullptr);
  return in;
}

}  // namespace esti::io
