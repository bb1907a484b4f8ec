// Work and memory a decode request will take, estimated before any weight is generated (issue 12
// item 8: a 2^24 vocabulary with temperature sorted the whole vocabulary per token, 5.7 s per
// sequence per token; batch x tokens could run for hours; the sampler's buffers were outside the
// memory plan). Limits are named here and in README/SECURITY.md.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "cost/counts.h"
#include "decoder/config.h"
#include "decoder/sampling.h"
#include "io/object_reader.h"

namespace esti::api::internal {

// Matmul + attention FLOPs of one request (prefill, then every decode step at the longest
// context): 4e12 is about 2.5 minutes of the native reference decoder at the ~28 GFLOP/s measured
// on a shared 2-core machine (8-layer d_model 1024 model, batch 4).
inline constexpr double kMaxDecodeFlops = 4e12;
// Element comparisons of the sampler's sort (vocabulary x log2 of the kept candidates, per
// sampled token, when temperature > 0): 1e10 is about 2.5 minutes at the ~7e7 per second the
// issue measured (2^24 vocabulary: 5.7 s per token).
inline constexpr double kMaxSamplingCompares = 1e10;
// The sampler's buffers per call: a candidate id (int32) and a probability (double) per token of
// the vocabulary; one sampler runs at a time.
inline constexpr int64_t kSamplerBytesPerVocabEntry = 4 + 8;

struct DecodeWork {
  double flops = 0;
  double sampling_compares = 0;
  int64_t sampler_bytes = 0;
};

inline DecodeWork EstimateDecodeWork(const model::ModelConfig& m, int64_t batch, int64_t prompt,
                                     int64_t new_tokens, const decoder::SamplingOptions& so) {
  DecodeWork w;
  const cost::ForwardCounts prefill =
      cost::CountForward(m, batch, 0, prompt, model::WeightFormat::kInt8, false);
  const cost::ForwardCounts step =
      cost::CountForward(m, batch, prompt + new_tokens - 1, 1, model::WeightFormat::kInt8, false);
  w.flops = prefill.matmul_flops + prefill.attention_flops +
            static_cast<double>(new_tokens - 1) * (step.matmul_flops + step.attention_flops);
  if (so.temperature > 0) {
    const double vocab = static_cast<double>(m.vocab_size);
    const double kept =
        so.top_k > 0 && so.top_k < m.vocab_size ? static_cast<double>(so.top_k) : vocab;
    w.sampling_compares = static_cast<double>(batch) * static_cast<double>(new_tokens) * vocab *
                          std::max(1.0, std::log2(kept));
  }
  w.sampler_bytes = kSamplerBytesPerVocabEntry * m.vocab_size;
  return w;
}

// Throws too_large naming the limit when the request is over it; `plan_bytes` is the decoder's
// memory plan, to which the sampler's buffers are added.
inline void CheckDecodeWork(const DecodeWork& w, int64_t plan_bytes) {
  auto g = [](double v) {
    char buf[32];
    (void)std::snprintf(buf, sizeof buf, "%.3g", v);  // %.3g fits; cannot fail (cert-err33-c)
    return std::string(buf);
  };
  if (w.flops > kMaxDecodeFlops) {
    io::Fail(codes::kTooLarge, "/tokens",
             "the request needs about " + g(w.flops) +
                 " FLOPs (batch x (prompt + tokens) x model); the "
                 "limit is " +
                 g(kMaxDecodeFlops) + ": lower tokens, batch or the model size");
  }
  if (w.sampling_compares > kMaxSamplingCompares) {
    io::Fail(codes::kTooLarge, "/tokens",
             "sampling needs about " + g(w.sampling_compares) +
                 " comparisons (batch x tokens x vocabulary x log2 of the candidates kept); the "
                 "limit is " +
                 g(kMaxSamplingCompares) + ": lower tokens, batch or top_k");
  }
  if (plan_bytes + w.sampler_bytes > decoder::kMaxDecoderBytes) {
    io::Fail(codes::kTooLarge, "/model/vocab_size",
             "decoder memory plus the sampler's " + std::to_string(w.sampler_bytes) +
                 " bytes exceeds the limit of " + std::to_string(decoder::kMaxDecoderBytes) +
                 " bytes");
  }
}

}  // namespace esti::api::internal
