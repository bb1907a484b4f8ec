#include "decoder/quantize.h"

#include <cmath>
#include <cstdio>

#include "decoder/det_math.h"

namespace esti::decoder {

namespace {
inline int8_t RoundClamp(float v) {
  // Round half to even in both builds (|v| <= 127 here, well inside RoundHalfEven's range).
  float r = RoundHalfEven(v);
  if (r > kInt8Max) r = kInt8Max;
  if (r < -kInt8Max) r = -kInt8Max;
  return static_cast<int8_t>(r);
}
}  // namespace

float QuantizeRow(const float* w, int64_t cols, int8_t* q) {
  float max_abs = 0;
  for (int64_t c = 0; c < cols; ++c) {
    const float a = std::fabs(w[c]);
    max_abs = a > max_abs || a != a ? a : max_abs;  // a NaN sticks, and is caught below
  }
  if (!(max_abs > 0) || !std::isfinite(max_abs)) {
    for (int64_t c = 0; c < cols; ++c) q[c] = 0;
    return 0;
  }
  const float scale = max_abs / kInt8Max;
  for (int64_t c = 0; c < cols; ++c) q[c] = RoundClamp(w[c] / scale);
  return scale;
}

void QuantizeActs(const float* x, int64_t n, int64_t cols, QuantizedActs* out) {
  out->n = n;
  out->cols = cols;
  out->q.resize(n * cols);
  out->q16.resize(n * cols);
  out->scale.resize(n);
  for (int64_t v = 0; v < n; ++v) {
    int8_t* q = out->q.data() + v * cols;
    out->scale[v] = QuantizeRow(x + v * cols, cols, q);
    int16_t* q16 = out->q16.data() + v * cols;
    // Quantized values are numbers, not characters: the sign extension is intended, and the
    // signed-char checks (written for text) do not apply.
    // NOLINTNEXTLINE(bugprone-signed-char-misuse,cert-str34-c)
    for (int64_t c = 0; c < cols; ++c) q16[c] = static_cast<int16_t>(q[c]);
  }
}

std::string HashHex(uint64_t h) {
  char buf[20];
  // A short numeric format: it fits and cannot fail, so the count is discarded (cert-err33-c).
  (void)std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace esti::decoder
