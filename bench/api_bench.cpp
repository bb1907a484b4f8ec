// The fixed cost of one api round trip (parse request, resolve preset, serialise).
#include <benchmark/benchmark.h>

#include "esti/api.h"

static void BM_DescribeModelPreset(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(esti::api::DescribeModel(R"({"model":"palm-540b"})"));
}
BENCHMARK(BM_DescribeModelPreset);
