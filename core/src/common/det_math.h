// Deterministic scalar exp and log built only from +, -, *, / and exact operations (round-half-
// even, scaling by a power of two), so that results are bit-identical with glibc natively and musl
// in wasm (their exp/log differ in the last bit). With -ffp-contract=off every operation below is
// a single IEEE-754 rounding in both builds. Used by the decoder (decoder/det_math.h) and by the
// calibration fit, whose result must not depend on the build.
#pragma once

#include <cmath>
#include <cstdint>

namespace esti {

namespace det_detail {
// 1 / n for the Taylor coefficients: multiplications instead of divisions (4x faster); computed
// at compile time, correctly rounded by both compilers.
inline constexpr double kInv[30] = {0,        1.0,      1.0 / 2,  1.0 / 3,  1.0 / 4,  1.0 / 5,
                                    1.0 / 6,  1.0 / 7,  1.0 / 8,  1.0 / 9,  1.0 / 10, 1.0 / 11,
                                    1.0 / 12, 1.0 / 13, 1.0 / 14, 1.0 / 15, 1.0 / 16, 1.0 / 17,
                                    1.0 / 18, 1.0 / 19, 1.0 / 20, 1.0 / 21, 1.0 / 22, 1.0 / 23,
                                    1.0 / 24, 1.0 / 25, 1.0 / 26, 1.0 / 27, 1.0 / 28, 1.0 / 29};
}  // namespace det_detail

// Round half to even, as std::nearbyint in the default rounding mode, without a libm call (it sits
// in the decoder's per-element loops): adding and subtracting 1.5 x 2^52 (2^23 for float) leaves
// the integer the addition rounded to. Exact for |x| < 2^51 (2^22).
inline double RoundHalfEven(double x) {
  constexpr double kMagic = 6755399441055744.0;  // 1.5 x 2^52
  return (x + kMagic) - kMagic;
}
inline float RoundHalfEven(float x) {
  constexpr float kMagic = 12582912.0f;  // 1.5 x 2^23
  return (x + kMagic) - kMagic;
}

// 2^k for a normal exponent (-1022 <= k <= 1023), from its bit pattern.
inline double Pow2(int k) {
  const uint64_t bits = static_cast<uint64_t>(k + 1023) << 52;
  double d;
  __builtin_memcpy(&d, &bits, sizeof d);
  return d;
}

// e^x, relative error ~1e-16. Below -708 returns 0 (avoids subnormals), above 709 +inf.
inline double DetExp(double x) {
  if (x != x) return x;  // NaN propagates
  if (x < -708.0) return 0.0;
  if (x > 709.0) return HUGE_VAL;
  constexpr double kInvLn2 = 1.44269504088896338700e+00;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 32 significant bits: k * hi is exact
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  const double k = RoundHalfEven(x * kInvLn2);     // |k| <= 1023
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;  // |r| <= 0.35
  // Taylor series to r^14 / 14!: truncation < 1e-17 for |r| <= 0.35.
  double p = 1.0;
  for (int n = 14; n >= 1; --n) p = 1.0 + (r * p) * det_detail::kInv[n];
  // p x 2^k is exact (as ldexp): k >= -1021 and p >= e^-0.35 keep the result normal; k = 1023 with
  // p > 1 overflows to +inf exactly as ldexp does.
  return p * Pow2(static_cast<int>(k));
}

// ln x for x > 0, relative error ~2e-16: x = m 2^e with m in [sqrt(1/2), sqrt(2)) taken from the
// bit pattern (exact), then ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172, by its series
// to s^29 (truncation < 1e-19). x <= 0 gives NaN (and 0 gives -inf); subnormals are scaled first.
inline double DetLog(double x) {
  if (x != x || x < 0) return NAN;
  if (x == 0) return -HUGE_VAL;
  if (x == HUGE_VAL) return x;
  int e = 0;
  if (x < 2.2250738585072014e-308) {  // subnormal: scale into the normal range (exact)
    x *= 18014398509481984.0;         // 2^54
    e = -54;
  }
  uint64_t bits;
  __builtin_memcpy(&bits, &x, sizeof bits);
  e += static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;  // mantissa in [1, 2)
  double m;
  __builtin_memcpy(&m, &bits, sizeof m);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    ++e;
  }
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double p = 0.0;
  for (int n = 29; n >= 3; n -= 2) p = (p + det_detail::kInv[n]) * s2;
  const double ln_m = 2.0 * (s + s * p);
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  const double k = static_cast<double>(e);
  return (k * kLn2Hi + ln_m) + k * kLn2Lo;
}

}  // namespace esti
