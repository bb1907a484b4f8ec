#include "cost/evaluate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace esti::cost {

namespace {

double D(int64_t v) { return static_cast<double>(v); }

// Step time summed over decode steps 0..steps-1. Every per-pass component is linear in the
// context, so the step time is piecewise linear with kinks only where two of compute, memory and
// communication cross; the sum is exact: each linear piece over integers a..b sums to
// (b - a + 1)(f(a) + f(b)) / 2.
double SumStepTimes(const PassModel& pm, double context0, int64_t steps, const PassTerms& first,
                    const PassTerms& last) {
  if (steps == 1) return first.time_s;
  const double span = D(steps - 1);
  auto slope = [&](double a, double b) { return (b - a) / span; };
  const double c0 = first.compute_s, m0 = first.weight_load_s + first.kv_load_s, k0 = first.comm_s;
  const double cs = slope(c0, last.compute_s);
  const double ms = slope(m0, last.weight_load_s + last.kv_load_s);
  std::array<double, 3> cut_store{};
  int n_cuts = 0;
  auto cross = [&](double a0, double as, double b0, double bs) {
    if (as == bs) return;
    double r = (b0 - a0) / (as - bs);
    if (r > 0 && r < span) cut_store[n_cuts++] = std::floor(r);
  };
  cross(c0, cs, m0, ms);
  cross(c0, cs, k0, 0);
  cross(m0, ms, k0, 0);
  // Insertion sort of at most 3 values (std::sort here trips a GCC 12 -Warray-bounds false
  // positive).
  for (int i = 1; i < n_cuts; ++i) {
    for (int j = i; j > 0 && cut_store[j - 1] > cut_store[j]; --j)
      std::swap(cut_store[j - 1], cut_store[j]);
  }
  const auto cuts_end = std::unique(cut_store.begin(), cut_store.begin() + n_cuts);
  auto f = [&](double i) {
    if (i == 0) return first.time_s;
    if (i == span) return last.time_s;
    return pm.At(context0 + i).time_s;
  };
  double total = 0, start = 0;
  for (auto it = cut_store.begin(); it != cuts_end; ++it) {
    const double c = *it;
    total += (c - start + 1) * (f(start) + f(c)) / 2;
    start = c + 1;
  }
  if (start <= span) total += (span - start + 1) * (f(start) + f(span)) / 2;
  return total;
}

std::string Bytes(double b) {
  char buf[32];
  // A short numeric format: it fits and cannot fail, so the count is discarded (cert-err33-c).
  (void)std::snprintf(buf, sizeof buf, "%.3g GB", b / 1e9);
  return buf;
}

}  // namespace

double ModelFlopsUtilization(double nominal_params, double tokens, double chips,
                             double peak_flops_per_s, double latency_s) {
  return 2 * nominal_params * tokens / (chips * peak_flops_per_s * latency_s);
}

double KvCacheBytesPerChip(const Scenario& s, double context) {
  return PassModel(s, 1).KvCacheBytes(context);
}

int64_t MaxContextTokens(const Scenario& s, double kv_budget_bytes) {
  return static_cast<int64_t>(std::floor(kv_budget_bytes / KvCacheBytesPerChip(s, 1.0)));
}

namespace {

struct PhaseShape {
  int64_t steps;
  int64_t new_per_seq;
  double context0;
};

PhaseShape ShapeOf(const Workload& wl) {
  const bool decode = wl.phase == Phase::kDecode;
  return PhaseShape{decode ? wl.generate_tokens : 1, decode ? 1 : wl.input_tokens,
                    decode ? D(wl.input_tokens) : 0};
}

// The scenario's workload batch is not used: the pass model carries the batch.
Memory MemoryPerChip(const Scenario& s, const PassModel& pm) {
  const Workload& wl = s.workload;
  const double final_context =
      D(wl.input_tokens) + (wl.phase == Phase::kDecode ? D(wl.generate_tokens) : 0);
  Memory mem;
  mem.weights_bytes = pm.stored_weight_bytes();
  mem.kv_cache_bytes = pm.KvCacheBytes(final_context);
  mem.working_bytes = pm.activation_bytes() + pm.gathered_weight_bytes();
  mem.total_bytes = mem.weights_bytes + mem.kv_cache_bytes + mem.working_bytes;
  mem.hbm_capacity_bytes = s.chip.hbm_capacity_bytes;
  return mem;
}

}  // namespace

Evaluation Evaluate(const Scenario& s) {
  Evaluation ev;
  const Workload& wl = s.workload;
  const bool decode = wl.phase == Phase::kDecode;
  const auto [steps, new_per_seq, context0] = ShapeOf(wl);
  const PassModel pm(s, new_per_seq);
  ev.passes = steps;
  ev.first_pass = pm.At(context0);
  ev.last_pass = steps > 1 ? pm.At(context0 + D(steps - 1)) : ev.first_pass;
  ev.attention_split = pm.split();
  ev.n_collectives = pm.n_collectives();
  for (int i = 0; i < ev.n_collectives; ++i) ev.collectives[i] = pm.collective(i);

  // Linear components: exact sums from the endpoints.
  const double half = D(steps) / 2;
  auto sum = [&](double PassTerms::*field) {
    return half * (ev.first_pass.*field + ev.last_pass.*field);
  };
  PhaseTotals& t = ev.totals;
  t.compute_s = sum(&PassTerms::compute_s);
  t.weight_load_s = sum(&PassTerms::weight_load_s);
  t.kv_load_s = sum(&PassTerms::kv_load_s);
  t.comm_s = sum(&PassTerms::comm_s);
  t.overhead_s = sum(&PassTerms::overhead_s);
  t.matmul_flops = sum(&PassTerms::matmul_flops);
  t.attention_flops = sum(&PassTerms::attention_flops);
  t.weight_bytes = sum(&PassTerms::weight_bytes);
  t.kv_bytes = sum(&PassTerms::kv_bytes);
  ev.latency_s = SumStepTimes(pm, context0, steps, ev.first_pass, ev.last_pass);

  const double chips = D(s.plan.topology.chips());
  ev.tokens = D(wl.batch) * D(decode ? wl.generate_tokens : wl.input_tokens);
  ev.latency_per_token_s = decode ? ev.latency_s / D(steps) : ev.latency_s;
  ev.throughput_tokens_per_s = ev.tokens / ev.latency_s;
  ev.cost_chip_s_per_token = chips * ev.latency_s / ev.tokens;
  ev.mfu = ModelFlopsUtilization(model::NominalParams(s.model), ev.tokens, chips,
                                 s.chip.peak_flops_per_s_bf16, ev.latency_s);

  // Memory per chip at the end of the phase.
  ev.memory = MemoryPerChip(s, pm);
  const Memory& mem = ev.memory;
  ev.fits = mem.total_bytes <= mem.hbm_capacity_bytes;
  if (!ev.fits) {
    struct Part {
      const char* name;
      double bytes;
    } parts[] = {{"weights", mem.weights_bytes},
                 {"KV cache", mem.kv_cache_bytes},
                 {"working memory (activations, gathered weights)", mem.working_bytes}};
    std::stable_sort(std::begin(parts), std::end(parts),  // equal parts keep this order
                     [](const Part& a, const Part& b) { return a.bytes > b.bytes; });
    ev.does_not_fit.push_back("needs " + Bytes(mem.total_bytes) + " per chip, HBM holds " +
                              Bytes(mem.hbm_capacity_bytes));
    for (const Part& p : parts) {
      if (p.bytes > 0) ev.does_not_fit.push_back(std::string(p.name) + ": " + Bytes(p.bytes));
    }
    if (mem.weights_bytes > mem.hbm_capacity_bytes) {
      ev.does_not_fit.push_back("the weights alone exceed HBM: use more chips or int8 weights");
    }
  }
  return ev;
}

QuickEvaluation EvaluateQuick(const PlanModel& plan, int64_t batch, bool skip_time_if_infeasible) {
  const Scenario& s = plan.scenario();
  const auto [steps, new_per_seq, context0] = ShapeOf(s.workload);
  const PassModel pm(plan, batch, new_per_seq);
  Memory mem = MemoryPerChip(s, pm);
  const bool fits = mem.total_bytes <= mem.hbm_capacity_bytes;
  if (!fits && skip_time_if_infeasible) {
    return QuickEvaluation{std::numeric_limits<double>::infinity(), mem.total_bytes, false};
  }
  const PassTerms first = pm.At(context0);
  const PassTerms last = steps > 1 ? pm.At(context0 + D(steps - 1)) : first;
  return QuickEvaluation{SumStepTimes(pm, context0, steps, first, last), mem.total_bytes, fits};
}

}  // namespace esti::cost
