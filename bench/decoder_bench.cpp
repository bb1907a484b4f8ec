// Batch-1 int8 decode of a ~517M-parameter multiquery model (weights 517 MB, far larger than any
// cache) against the read bandwidth this machine achieves, measured in the same run.
// BM_DecodeInt8VsRead generates kContext tokens from an empty cache, one decode step per
// iteration (positions 0..kContext-1: llama.cpp's "tg128"), and alternates each step with a plain
// read of the decoder's own weight arena and one of a separate buffer, each timed on its own.
// Prints, after the Google Benchmark table:
//   decode_int8_native_tokens_per_s: X
//   decode_int8_bandwidth_limit_tokens_per_s: Y   (arena read bytes/s / weight bytes per token)
//   decode_int8_native_fraction_of_limit: X/Y
// `make bench` then runs bench/wasm_bench.mjs, which decodes the same positions in wasm, reads
// this run's decode_tokens_per_s counter from the Google Benchmark JSON and prints the ratio.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "decoder/decoder.h"
#include "decoder/sampling.h"
#include "io/spec_io.h"

namespace {

using esti::decoder::Decoder;

// ~517M parameters: 14 layers x 33.4M + 32000 x 1536 shared embedding. bench/wasm_bench.mjs uses
// the same JSON.
const char* kBenchModel = R"({"id": "bench-500m", "n_layers": 14, "d_model": 1536, "d_ff": 6144,
  "n_heads": 12, "n_kv_heads": 1, "d_head": 128, "vocab_size": 32000})";
constexpr int64_t kContext = 128;  // tokens generated per run, from an empty cache
constexpr int64_t kBandwidthBufferBytes = int64_t{1} << 30;  // 1 GiB: 32x the 32 MiB L3

struct Figures {
  double tokens_per_s = 0;
  double read_bytes_per_s = 0;        // plain read of the weight arena
  double other_read_bytes_per_s = 0;  // plain read of a separate buffer of the same size
  double weight_bytes_per_token = 0;
  double huge_page_bytes = -1;  // AnonHugePages of this process (-1: not readable)
  ~Figures() {
    if (tokens_per_s <= 0 || read_bytes_per_s <= 0) return;
    const double limit = read_bytes_per_s / weight_bytes_per_token;
    std::printf("\ndecode_int8_native_tokens_per_s: %.3f\n", tokens_per_s);
    std::printf("decode_int8_bandwidth_limit_tokens_per_s: %.3f\n", limit);
    std::printf("decode_int8_native_fraction_of_limit: %.3f\n", tokens_per_s / limit);
    std::printf("decode_int8_read_bandwidth_bytes_per_s: %.4g\n", read_bytes_per_s);
    std::printf("decode_int8_weight_bytes_per_token: %.4g\n", weight_bytes_per_token);
    if (huge_page_bytes >= 0)
      std::printf("decode_int8_process_huge_page_bytes: %.4g\n", huge_page_bytes);
    if (other_read_bytes_per_s > 0) {  // the same read of a separate buffer, for comparison
      std::printf("decode_int8_other_buffer_read_bandwidth_bytes_per_s: %.4g\n",
                  other_read_bytes_per_s);
      std::printf("decode_int8_native_fraction_of_other_buffer_limit: %.3f\n",
                  tokens_per_s * weight_bytes_per_token / other_read_bytes_per_s);
    }
  }
} g_figures;

// Bytes of this process's anonymous memory in transparent huge pages (Linux; -1 elsewhere).
// `make bench` runs with GLIBC_TUNABLES=glibc.malloc.hugetlb=1: with THP in "madvise" mode, as
// here, that is what gives malloc'd memory (the weights and the read buffers alike) 2 MiB pages.
double HugePageBytes() {
  std::ifstream in("/proc/self/smaps_rollup");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("AnonHugePages:", 0) == 0) return std::stod(line.substr(14)) * 1024;  // kB
  }
  return -1;
}

Decoder& BenchDecoder() {
  static std::unique_ptr<Decoder> d = [] {
    esti::model::ModelConfig m =
        esti::io::ParseModel(esti::io::Json::parse(kBenchModel), "/model").value();
    esti::decoder::RunLimits l{1, kContext, kContext};
    auto w = esti::decoder::GenerateWeights(m, esti::decoder::WeightKind::kInt8, 1);
    auto dec = Decoder::Create(m, std::move(w), l);
    if (!dec.ok()) std::abort();
    auto p = std::make_unique<Decoder>(std::move(dec).value());
    p->set_trace_hashes(false);
    return p;
  }();
  return *d;
}

int64_t ReadAllPortable(const uint8_t* p, int64_t n) {
  int64_t s = 0;
  for (int64_t i = 0; i + 8 <= n; i += 8) {
    int64_t v;
    std::memcpy(&v, p + i, 8);
    s += v;
  }
  return s;
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) int64_t ReadAllAvx2(const uint8_t* p, int64_t n) {
  __m256i a = _mm256_setzero_si256(), b = a, c = a, e = a;
  for (int64_t i = 0; i + 128 <= n; i += 128) {
    a = _mm256_add_epi64(a, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
    b = _mm256_add_epi64(b, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
    c = _mm256_add_epi64(c, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
    e = _mm256_add_epi64(e, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
  }
  a = _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, e));
  return _mm256_extract_epi64(a, 0) + _mm256_extract_epi64(a, 3);
}
#endif

// Plain streaming read of n bytes (p 64-byte aligned, n a multiple of 128): four independent
// 32-byte loads per 128 bytes, the fastest single-thread read found on this machine.
int64_t ReadAll(const uint8_t* p, int64_t n) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) return ReadAllAvx2(p, n);
#endif
  return ReadAllPortable(p, n);
}

// The figures printed at the end come from here. Memory bandwidth on this shared VM drifts by
// +-15% over seconds, so each decode step is followed by plain reads, each timed on its own, and
// the rates are compared over the same stretch of time. The limit reads the decoder's own weight
// arena: the very bytes (and physical pages) a decode step must stream. With 4 KiB pages,
// separate buffers of the same size read up to ~10% apart on this VM depending on where their
// pages landed, so a separate buffer's read is timed and printed alongside.
void BM_DecodeInt8VsRead(benchmark::State& state) {
  Decoder& d = BenchDecoder();
  static uint8_t* other = [] {
    auto* p = static_cast<uint8_t*>(std::aligned_alloc(64, kBandwidthBufferBytes));
    std::memset(p, 1, kBandwidthBufferBytes);
    return p;
  }();
  d.Reset();
  d.ResetCounts();
  (void)d.Forward({{1}});
  const double weight_bytes = d.counts().weight_bytes + d.counts().weight_scale_bytes;
  const auto* arena = reinterpret_cast<const uint8_t*>(d.weights().arena.data());
  const int64_t arena_bytes =
      static_cast<int64_t>(d.weights().arena.size() * sizeof(d.weights().arena[0]));
  // Read an arena-sized window of the other buffer, moving through it so each read comes from DRAM.
  const int64_t window = (arena_bytes / 128) * 128;
  int64_t offset = 0;
  double decode_s = 0, read_s = 0, other_s = 0;
  int32_t token = 1;
  d.Reset();
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    if (!d.Forward({{token}}).ok()) state.SkipWithError("forward failed");
    token = esti::decoder::Argmax(d.Logits(0));
    auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(ReadAll(arena, window));
    auto t2 = std::chrono::steady_clock::now();
    if (offset + window > kBandwidthBufferBytes) offset = 0;
    benchmark::DoNotOptimize(ReadAll(other + offset, window));
    offset += window;
    auto t3 = std::chrono::steady_clock::now();
    decode_s += std::chrono::duration<double>(t1 - t0).count();
    read_s += std::chrono::duration<double>(t2 - t1).count();
    other_s += std::chrono::duration<double>(t3 - t2).count();
  }
  const double reads = static_cast<double>(state.iterations()) * static_cast<double>(window);
  g_figures.tokens_per_s = static_cast<double>(state.iterations()) / decode_s;
  g_figures.read_bytes_per_s = reads / read_s;
  g_figures.other_read_bytes_per_s = reads / other_s;
  g_figures.weight_bytes_per_token = weight_bytes;
  g_figures.huge_page_bytes = HugePageBytes();
  state.counters["decode_tokens_per_s"] = g_figures.tokens_per_s;
  state.counters["read_bytes_per_s"] = g_figures.read_bytes_per_s;
  state.counters["other_read_bytes_per_s"] = g_figures.other_read_bytes_per_s;
  state.counters["weight_bytes_per_token"] = weight_bytes;
  state.SetLabel(esti::decoder::ToString(d.kernel()));
}
// One iteration per generated token: exactly one run of kContext tokens from an empty cache.
BENCHMARK(BM_DecodeInt8VsRead)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(kContext);

}  // namespace
