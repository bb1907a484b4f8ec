// Choosing the next token from logits: greedy, or seeded sampling with temperature, top-k and
// top-p (nucleus). Probabilities use DetExp, so sampled tokens are identical natively and in wasm.
#pragma once

#include <cstdint>
#include <span>

#include "decoder/prng.h"

namespace esti::decoder {

struct SamplingOptions {
  double temperature = 0;  // 0: greedy (argmax, lowest id on ties)
  int64_t top_k = 0;       // 0: no limit
  double top_p = 1.0;      // 1: no limit; else the smallest set of top tokens with mass >= top_p
};

inline constexpr double kMaxTemperature = 100.0;

class Sampler {
 public:
  Sampler(const SamplingOptions& o, uint64_t seed) : o_(o), rng_(seed) {}
  int32_t Next(std::span<const float> logits);

 private:
  SamplingOptions o_;
  SplitMix64 rng_;
};

int32_t Argmax(std::span<const float> logits);

}  // namespace esti::decoder
