// Issue 12 item 1: JSON parsing must be linear in the input. The two reproducers of the issue: a
// 1 MiB scenario of `[{},{},...]` (36 s before the fix) and a safetensors header of 65,536 tensors
// (59 s). Target: each under 100 ms natively.
//   build/native/bench/esti_bench --benchmark_filter='Parse'
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "esti/api.h"
#include "esti/io/json_input.h"
#include "esti/io/safetensors.h"

namespace {

std::string EmptyObjects(int64_t bytes) {
  std::string s = "[";
  while (static_cast<int64_t>(s.size()) + 4 <= bytes) s += "{},";
  s += "{}]";
  return s;
}

void BM_ParseEmptyObjects1MiB(benchmark::State& state) {
  const std::string text = EmptyObjects(1 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(esti::io::ParseJson(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseEmptyObjects1MiB)->Unit(benchmark::kMillisecond);

// The same input through the public entry point (parse, then the scenario is rejected).
void BM_EvaluateEmptyObjects1MiB(benchmark::State& state) {
  const std::string text = EmptyObjects(1 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(esti::api::Evaluate(text));
}
BENCHMARK(BM_EvaluateEmptyObjects1MiB)->Unit(benchmark::kMillisecond);

void BM_ParseSafetensorsHeader65536(benchmark::State& state) {
  const int64_t n = esti::io::kMaxSafetensorsTensors;
  std::string h = "{";
  for (int64_t i = 0; i < n; ++i) {
    h += (i ? "," : "") + std::string("\"t") + std::to_string(i) +
         R"(":{"dtype":"F32","shape":[1],"data_offsets":[)" + std::to_string(4 * i) + "," +
         std::to_string(4 * i + 4) + "]}";
  }
  h += "}";
  std::vector<uint8_t> file(8 + h.size() + 4 * static_cast<size_t>(n), 0);
  for (int i = 0; i < 8; ++i) file[i] = static_cast<uint8_t>(uint64_t{h.size()} >> (8 * i));
  std::copy(h.begin(), h.end(), file.begin() + 8);
  for (auto _ : state) {
    auto r = esti::io::ParseSafetensors(file);
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["header_bytes"] = static_cast<double>(h.size());
}
BENCHMARK(BM_ParseSafetensorsHeader65536)->Unit(benchmark::kMillisecond);

}  // namespace
