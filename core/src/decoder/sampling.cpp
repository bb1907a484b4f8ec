#include "decoder/sampling.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <vector>

#include "decoder/det_math.h"

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
  // A strict weak order even when logits hold NaN (issue 12 item 6: `>` on NaN is not one, which is
  // undefined behaviour in std::sort): NaN ranks below every number, then ties go to the lower id.
  auto key = [&](int32_t i) {
    const float x = logits[i];
    return std::isnan(x) ? -std::numeric_limits<double>::infinity() : static_cast<double>(x);
  };
  auto order = [&](int32_t a, int32_t b) {
    const double ka = key(a), kb = key(b);
    return ka > kb || (ka == kb && a < b);
  };
  size_t keep = ids.size();
  if (o_.top_k > 0 && static_cast<size_t>(o_.top_k) < keep) {
    keep = static_cast<size_t>(o_.top_k);
    std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(keep), ids.end(),
                      order);
    ids.resize(keep);
  } else {
    std::sort(ids.begin(), ids.end(), order);
  }
  // Softmax at temperature T over the candidates (max first, so every exponent is <= 0).
  std::vector<double> p(keep);
  const double top = logits[ids[0]];
  // No finite top logit (all NaN or -inf, or +inf): no distribution to sample; the first candidate.
  if (!std::isfinite(top)) return ids[0];
  double sum = 0;
  for (size_t i = 0; i < keep; ++i) {
    const double x = logits[ids[i]];
    p[i] = std::isfinite(x) ? DetExp((x - top) / o_.temperature) : 0.0;  // NaN, -inf: never drawn
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
