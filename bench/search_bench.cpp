// Issue #4 target: the full PaLM 540B frontier (every slice shape up to 4096 chips x every layout
// and axis assignment x batch 1..4096 in powers of two x both weight formats x both phases) in
// under 10 ms natively. Measures the search alone (search::Frontier) and the api call with JSON.
#include <benchmark/benchmark.h>

#include "esti/api.h"
#include "esti/io/json_input.h"
#include "io/scenario_io.h"
#include "search/search.h"

namespace {

constexpr const char* kFrontier540 =
    R"({"model":"palm-540b","input_tokens":2048,"generate_tokens":64})";

void BM_Frontier540BSearchOnly(benchmark::State& state) {
  esti::io::ScenarioInput in =
      esti::io::ReadScenario(esti::io::Json::parse(kFrontier540), esti::io::ScenarioUse::kFrontier);
  int64_t plans = 0;
  for (auto _ : state) {
    plans = 0;
    for (esti::cost::Phase phase : {esti::cost::Phase::kPrefill, esti::cost::Phase::kDecode}) {
      esti::search::Space space = in.space;
      space.base.workload.phase = phase;
      esti::search::SearchStats stats;
      benchmark::DoNotOptimize(esti::search::Frontier(space, &stats));
      plans += stats.plans_scored;
    }
  }
  state.counters["plans_scored"] = static_cast<double>(plans);
}
BENCHMARK(BM_Frontier540BSearchOnly)->Unit(benchmark::kMillisecond);

void BM_Frontier540BApi(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(esti::api::Frontier(kFrontier540));
}
BENCHMARK(BM_Frontier540BApi)->Unit(benchmark::kMillisecond);

void BM_Frontier540BApiSummary(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(esti::api::Frontier(
        R"({"model":"palm-540b","input_tokens":2048,"generate_tokens":64,"detail":"summary"})"));
  }
}
BENCHMARK(BM_Frontier540BApiSummary)->Unit(benchmark::kMillisecond);

// Llama 3.1 70B (8 K/V heads) on TPU v4, summary: the GQA hybrid adds plans where it differs from
// both pure shardings (docs/gqa-attention.md); the argument 0 searches the paper's two only.
void BM_FrontierLlama70BApiSummary(benchmark::State& state) {
  const char* request =
      state.range(0) != 0
          ? R"({"model":"llama-3.1-70b","input_tokens":2048,"generate_tokens":64,"detail":"summary"})"
          : R"({"model":"llama-3.1-70b","input_tokens":2048,"generate_tokens":64,"detail":"summary",)"
            R"("attention_sharding":["heads","batch"]})";
  for (auto _ : state) benchmark::DoNotOptimize(esti::api::Frontier(request));
}
BENCHMARK(BM_FrontierLlama70BApiSummary)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Evaluate540BDecodeAuto(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(esti::api::Evaluate(
        R"({"model":"palm-540b","chips":64,"phase":"decode","batch":64,"input_tokens":2048,"generate_tokens":64,"weights":"int8"})"));
  }
}
BENCHMARK(BM_Evaluate540BDecodeAuto)->Unit(benchmark::kMicrosecond);

}  // namespace
