#include "esti/decoder/sampling.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "esti/decoder/det_math.h"

namespace esti::decoder {

int32_t Argmax(std::span<const float> logits) {
  int32_t best = 0;
  for (size_t i = 1; i < logits.size(); ++i)
    if (logits[i] > logits[best]) best = static_cast<int32_t>(i);
  return best;
}

int32_t Sampler::Next(std::span<const float> logits) {
  if (o_.temperature <= 0) return Argmax(logits);
  // Candidates by descending logit (ties: lower id first), truncated to top_k.
  std::vector<int32_t> ids(logits.size());
  std::iota(ids.begin(), ids.end(), 0);
  auto order = [&](int32_t a, int32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); };
  size_t keep = ids.size();
  if (o_.top_k > 0 && static_cast<size_t>(o_.top_k) < keep) {
    keep = static_cast<size_t>(o_.top_k);
    std::partial_sort(ids.begin(), ids.begin() + keep, ids.end(), order);
    ids.resize(keep);
  } else {
    std::sort(ids.begin(), ids.end(), order);
  }
  // Softmax at temperature T over the candidates (max first, so every exponent is <= 0).
  std::vector<double> p(keep);
  const double top = logits[ids[0]];
  double sum = 0;
  for (size_t i = 0; i < keep; ++i) {
    p[i] = DetExp((static_cast<double>(logits[ids[i]]) - top) / o_.temperature);
    sum += p[i];
  }
  // Nucleus: the shortest prefix whose mass reaches top_p.
  if (o_.top_p < 1.0) {
    double mass = 0;
    size_t cut = keep;
    for (size_t i = 0; i < keep; ++i) {
      mass += p[i] / sum;
      if (mass >= o_.top_p) {
        cut = i + 1;
        break;
      }
    }
    keep = cut;
    sum = 0;
    for (size_t i = 0; i < keep; ++i) sum += p[i];
  }
  const double u = rng_.NextDouble() * sum;
  double acc = 0;
  for (size_t i = 0; i < keep; ++i) {
    acc += p[i];
    if (u < acc) return ids[i];
  }
  return ids[keep - 1];  // u rounding to the very top of the range
}

}  // namespace esti::decoder
