// Helpers shared by the decoder tests.
#pragma once

#include <string>
#include <vector>

#include "decoder/decoder.h"
#include "io/spec_io.h"

namespace esti::decoder::testing {

inline model::ModelConfig Tiny() { return io::ParseModel(io::Json("tiny"), "").value(); }

inline Decoder Make(const model::ModelConfig& m, Weights w, int64_t batch = 1, int64_t seq = 64,
                    int64_t per_pass = 64) {
  RunLimits l;
  l.batch = batch;
  l.max_seq_len = seq;
  l.max_tokens_per_pass = per_pass;
  return Decoder::Create(m, std::move(w), l).value();
}

inline std::vector<float> LogitsOf(const Decoder& d, int64_t b) {
  auto s = d.Logits(b);
  return {s.begin(), s.end()};
}

}  // namespace esti::decoder::testing
