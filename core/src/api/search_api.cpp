#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "attention_use_json.h"
#include "compare_api.h"
#include "cost/evaluate.h"
#include "end_to_end.h"
#include "hardware/topology.h"
#include "io/result_io.h"
#include "io/scenario_io.h"
#include "io/spec_io.h"
#include "respond.h"
#include "search/search.h"

namespace esti::api {

namespace {

inline constexpr int64_t kDefaultCandidates = 20;
inline constexpr int64_t kMaxCandidates = 1000;

// Output options that are not part of the scenario: read and removed before ReadScenario.
struct OutputOptions {
  int64_t max_candidates = kDefaultCandidates;
  // "summary": points carry the plan and the headline numbers only (for redrawing plots on every
  // input change; evaluate a point's scenario for its breakdown). "full": evaluate-shaped points.
  bool summary = false;
  bool include_dominated = false;
  bool include_infeasible = false;
};

OutputOptions TakeOutputOptions(io::Json& req) {
  OutputOptions o;
  if (!req.is_object()) return o;
  if (auto it = req.find("max_candidates"); it != req.end()) {
    o.max_candidates = io::ToInt(*it, "/max_candidates", 1, kMaxCandidates);
    req.erase(it);
  }
  if (auto it = req.find("detail"); it != req.end()) {
    if (!it->is_string() || (*it != "summary" && *it != "full")) {
      io::Fail(codes::kInvalidValue, "/detail", "expected \"summary\" or \"full\"");
    }
    o.summary = *it == "summary";
    req.erase(it);
  }
  for (auto [key, flag] : {std::pair{"include_dominated", &o.include_dominated},
                           std::pair{"include_infeasible", &o.include_infeasible}}) {
    if (auto it = req.find(key); it != req.end()) {
      if (!it->is_boolean())
        io::Fail(codes::kTypeError, std::string("/") + key, "expected true or false");
      *flag = it->get<bool>();
      req.erase(it);
    }
  }
  return o;
}

io::Json CandidateJson(const io::ScenarioInput& in, const search::Candidate& c) {
  cost::Evaluation ev = cost::Evaluate(c.scenario);
  io::Json j = io::EvaluationToJson(in, c.scenario, ev);
  j["within_latency_bound"] = c.within_latency_bound;
  return j;
}

// The same numbers evaluate gives (the same PassModel arithmetic), without the breakdown.
io::Json SummaryJson(const io::ScenarioInput& in, const search::Candidate& c) {
  const cost::Scenario& s = c.scenario;
  const auto& t = s.plan.topology;
  const bool decode = s.workload.phase == cost::Phase::kDecode;
  const double per_token = decode
                               ? c.quick.latency_s / static_cast<double>(s.workload.generate_tokens)
                               : c.quick.latency_s;
  io::Json j = {{"scenario", io::ConcreteScenarioJson(in, s)},
                {"phase", cost::ToString(s.workload.phase)},
                {"chips", t.chips()},
                {"topology", {t.dims[0], t.dims[1], t.dims[2]}},
                {"batch", s.workload.batch},
                {"weights", model::ToString(s.plan.weights)},
                {"ffn_layout", cost::ToString(s.plan.ffn_layout)},
                {"attention_sharding", cost::ToString(s.plan.attention)},
                {"latency_s", c.quick.latency_s},
                {"latency_per_token_s", per_token},
                {"cost_chip_s_per_token", c.cost_chip_s_per_token},
                {"mfu", c.mfu},
                {"memory_per_chip_bytes", c.quick.memory_bytes},
                {"fits", c.quick.fits}};
  io::AddDollars(s, c.cost_chip_s_per_token, &j);
  io::AddLatencyBand(s, c.quick.latency_s, per_token, &j);
  return j;
}

io::Json StatsJson(const search::SearchStats& s) {
  return {{"combinations", s.combinations},
          {"plans_scored", s.plans_scored},
          {"infeasible", s.infeasible},
          {"over_latency_bound", s.over_latency_bound},
          {"dominated", s.dominated}};
}

std::string Seconds(double s) {
  char buf[32];
  // Truncation cannot happen (%.4g is at most 11 characters) and these formats cannot fail, so
  // the return value carries nothing (cert-err33-c accepts the explicit discard).
  (void)std::snprintf(buf, sizeof buf, "%.4g %s", s < 1 ? s * 1e3 : s, s < 1 ? "ms" : "s");
  return buf;
}

// Why a search has no answer, in the user's terms: what does not fit and by how much, or which
// bound fails and what the fastest plan that fits would take.
std::string WhyNoAnswer(const search::Space& space, const std::vector<search::Candidate>& ranked,
                        const search::SearchStats& stats) {
  const std::string counts = std::to_string(stats.combinations) +
                             (stats.combinations == 1 ? " combination" : " combinations") +
                             " of chips, batch and weight format";
  const search::Candidate* fastest_fitting = nullptr;
  const search::Candidate* smallest = nullptr;
  for (const search::Candidate& c : ranked) {
    if (c.quick.fits &&
        (!fastest_fitting || c.quick.latency_s < fastest_fitting->quick.latency_s)) {
      fastest_fitting = &c;
    }
    if (!smallest || c.quick.memory_bytes < smallest->quick.memory_bytes) smallest = &c;
  }
  if (fastest_fitting == nullptr) {
    std::string why = "no plan fits in memory (" + counts + ")";
    if (smallest != nullptr) {
      const cost::Evaluation ev = cost::Evaluate(smallest->scenario);
      why += "; the smallest, " + std::to_string(smallest->scenario.plan.topology.chips()) +
             " chips at batch " + std::to_string(smallest->scenario.workload.batch) + ",";
      for (size_t i = 0; i < ev.does_not_fit.size(); ++i) {
        why += (i == 0 ? " " : "; ") + ev.does_not_fit[i];
      }
    } else {
      // Every combination was skipped before scoring: the weights alone overflow HBM.
      const int64_t most =
          space.topology ? space.topology->chips()
                         : *std::max_element(space.chip_counts.begin(), space.chip_counts.end());
      double least_bytes = 1e300;
      for (model::WeightFormat w : space.weights) {
        least_bytes = std::min(least_bytes, model::WeightBytes(space.base.model, w));
      }
      char buf[160];
      (void)std::snprintf(
          buf, sizeof buf,  // truncation would only shorten the message
          ": the weights alone need %.3g GB per chip on %lld chips (the most tried), "
          "HBM holds %.3g GB",
          least_bytes / static_cast<double>(most) / 1e9, static_cast<long long>(most),
          space.base.chip.hbm_capacity_bytes / 1e9);
      why += buf;
    }
    return why;
  }
  const cost::Workload& wl = fastest_fitting->scenario.workload;
  const bool per_token = space.max_latency_per_token_s && wl.phase == cost::Phase::kDecode;
  const double fastest =
      per_token ? fastest_fitting->quick.latency_s / static_cast<double>(wl.generate_tokens)
                : fastest_fitting->quick.latency_s;
  const double bound = per_token ? *space.max_latency_per_token_s : space.max_latency_s.value_or(0);
  return std::to_string(stats.combinations - stats.infeasible) + " of " + counts +
         " fit in memory, but none meets the latency budget of " + Seconds(bound) +
         (per_token ? " per token" : "") + ": the fastest that fits takes " + Seconds(fastest) +
         (per_token ? " per token" : "") + " (" +
         std::to_string(fastest_fitting->scenario.plan.topology.chips()) + " chips, batch " +
         std::to_string(wl.batch) + ")";
}

}  // namespace

std::string Search(std::string_view request) {
  return internal::Respond(request, [](const io::Json& original) {
    io::Json req = original;
    OutputOptions opt = TakeOutputOptions(req);
    io::ScenarioInput in = io::ReadScenario(req, io::ScenarioUse::kSearch);
    search::SearchStats stats;
    std::vector<search::Candidate> ranked = search::Search(in.space, &stats);
    if (ranked.empty() || !ranked.front().quick.fits || !ranked.front().within_latency_bound) {
      io::Fail(codes::kInfeasible, "", WhyNoAnswer(in.space, ranked, stats));
    }
    io::Json candidates = io::Json::array();
    int64_t listed = 0;
    for (const search::Candidate& c : ranked) {
      if (listed >= opt.max_candidates) break;
      if (!c.quick.fits && !opt.include_infeasible) continue;
      candidates.push_back(CandidateJson(in, c));
      ++listed;
    }
    // The best plan's request end to end (prefill + decode) and its use of the chips by attention;
    // not for every candidate, to keep a search per keystroke cheap.
    io::Json best = candidates.front();
    best["end_to_end"] = internal::EndToEndJson(in.space, ranked.front().scenario,
                                                cost::Evaluate(ranked.front().scenario));
    best["attention_use"] = internal::AttentionUseJson(ranked.front().scenario);
    return io::Json{{"objective", search::ToString(in.space.objective)},
                    {"best", std::move(best)},
                    {"candidates", candidates},
                    {"candidates_total", static_cast<int64_t>(ranked.size())},
                    {"stats", StatsJson(stats)}};
  });
}

namespace internal {

io::Json FrontierJson(const io::Json& original) {
  io::Json req = original;
  OutputOptions opt = TakeOutputOptions(req);
  io::ScenarioInput in = io::ReadScenario(req, io::ScenarioUse::kFrontier);
  io::Json out = io::Json::object();
  io::Json stats = io::Json::object();
  for (cost::Phase phase : {cost::Phase::kPrefill, cost::Phase::kDecode}) {
    const char* name = cost::ToString(phase);
    if (in.phase_given && in.space.base.workload.phase != phase) {
      out[name] = io::Json::array();
      continue;
    }
    search::Space space = in.space;
    space.base.workload.phase = phase;
    search::SearchStats st;
    std::vector<search::Candidate> dominated;
    // Collect the dominated points only when they are returned (moving them costs time).
    std::vector<search::Candidate> front =
        search::Frontier(space, &st, opt.include_dominated ? &dominated : nullptr);
    io::Json points = io::Json::array();
    for (const search::Candidate& c : front) {
      points.push_back(opt.summary ? SummaryJson(in, c) : CandidateJson(in, c));
    }
    out[name] = std::move(points);
    if (opt.include_dominated) {
      io::Json d = io::Json::array();
      for (const search::Candidate& c : dominated) {
        d.push_back(opt.summary ? SummaryJson(in, c) : CandidateJson(in, c));
      }
      out[std::string(name) + "_dominated"] = std::move(d);
    }
    stats[name] = StatsJson(st);
  }
  out["stats"] = stats;
  return out;
}

}  // namespace internal

std::string Frontier(std::string_view request) {
  return internal::Respond(request, [](const io::Json& original) {
    // "hardware": [...] compares chips: one frontier each (compare_api.h).
    if (internal::IsHardwareList(original)) return internal::FrontierPerHardware(original);
    return internal::FrontierJson(original);
  });
}

std::string MaxContext(std::string_view request) {
  return internal::Respond(request, [](const io::Json& req) {
    io::ObjectReader r(req, "");
    r.SchemaVersion(io::kScenarioSchemaVersion, false);
    cost::Scenario s;
    s.model = io::ReadModel(r.Required("model"), "/model");
    const io::Json* hw = r.Find("hardware");
    s.chip = io::ReadHardware(hw ? *hw : io::Json("tpu-v4"), "/hardware");
    const int64_t chips = r.Int("chips", 1, s.chip.max_chips);
    Result<hardware::Topology> t = hardware::ChooseTopology(s.chip, chips, "/chips");
    if (!t.ok()) throw io::InputError{t.error()};
    s.plan.topology = t.value();
    s.workload.batch = r.Int("batch", 1, io::kMaxBatch);
    s.plan.weights = r.OptEnum<model::WeightFormat>("weights").value_or(model::WeightFormat::kBf16);
    // Table 1 reserves a fraction of HBM for the KV cache; by default, all HBM the weights leave.
    const std::optional<double> fraction = r.OptNumber("kv_memory_fraction", 1e-6, 1.0);
    r.Finish();
    const double weights = model::WeightBytes(s.model, s.plan.weights) / static_cast<double>(chips);
    const double budget = fraction ? *fraction * s.chip.hbm_capacity_bytes
                                   : std::max(0.0, s.chip.hbm_capacity_bytes - weights);
    io::Json layouts = io::Json::array();
    for (cost::AttentionSharding a :
         {cost::AttentionSharding::kHeads, cost::AttentionSharding::kBatch,
          cost::AttentionSharding::kHybrid}) {
      s.plan.attention = a;
      s.plan.ffn_layout = cost::FfnLayout::kWs2d;
      // The GQA hybrid only where it differs from both (never for multiquery PaLM).
      if (a == cost::AttentionSharding::kHybrid &&
          !cost::HybridIsDistinct(s.plan, s.model.n_kv_heads)) {
        continue;
      }
      layouts.push_back({{"attention_sharding", cost::ToString(a)},
                         {"max_context_tokens", cost::MaxContextTokens(s, budget)},
                         {"kv_bytes_per_token_per_chip", cost::KvCacheBytesPerChip(s, 1.0)}});
    }
    return io::Json{{"model_id", s.model.id},
                    {"chips", chips},
                    {"batch", s.workload.batch},
                    {"kv_budget_bytes_per_chip", budget},
                    {"weights_bytes_per_chip", weights},
                    {"layouts", layouts}};
  });
}

}  // namespace esti::api
