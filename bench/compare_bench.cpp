// Issue 13 item 8: a four-chip comparison (one frontier per chip in one request, api.h Frontier
// with "hardware": [...]) stays under 4x the single frontier's target (10 ms native, README
// "Benchmarks"). The same PaLM 540B request as search_bench.cpp's BM_Frontier540BApi*, over TPU v4,
// TPU v5p, H100 and B200; each chip alone too, so the comparison's cost can be read against the
// sum of its parts (each chip's frontier has its own slice shapes, so they differ).
#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include "esti/api.h"

namespace {

constexpr std::array<const char*, 4> kChips = {"tpu-v4", "tpu-v5p", "h100-sxm", "b200"};

std::string Request(const std::string& hardware, const char* detail) {
  return R"({"model":"palm-540b","input_tokens":2048,"generate_tokens":64,"hardware":)" + hardware +
         R"(,"detail":")" + detail + R"("})";
}

std::string FourChips() {
  std::string list = "[";
  for (const char* id : kChips) list += std::string(list.size() > 1 ? "," : "") + "\"" + id + "\"";
  return list + "]";
}

void BM_Compare4Chips540BSummary(benchmark::State& state) {
  const std::string request = Request(FourChips(), "summary");
  for (auto _ : state) benchmark::DoNotOptimize(esti::api::Frontier(request));
}
BENCHMARK(BM_Compare4Chips540BSummary)->Unit(benchmark::kMillisecond);

void BM_Compare4Chips540BFull(benchmark::State& state) {
  const std::string request = Request(FourChips(), "full");
  for (auto _ : state) benchmark::DoNotOptimize(esti::api::Frontier(request));
}
BENCHMARK(BM_Compare4Chips540BFull)->Unit(benchmark::kMillisecond);

// One chip of the four alone (argument: its index in kChips), "detail": "summary".
void BM_OneChip540BSummary(benchmark::State& state) {
  const char* id = kChips.at(static_cast<size_t>(state.range(0)));
  const std::string request = Request(std::string("\"") + id + "\"", "summary");
  for (auto _ : state) benchmark::DoNotOptimize(esti::api::Frontier(request));
  state.SetLabel(id);
}
BENCHMARK(BM_OneChip540BSummary)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

}  // namespace
