// Deterministic transcendental functions built only from +, -, *, / and exact operations
// (round-half-even, scaling by a power of two), so that results are bit-identical with glibc natively and musl in wasm
// (their exp/sin/cos differ in the last bit). With -ffp-contract=off every operation below is a
// single IEEE-754 rounding in both builds.
#pragma once

#include <cmath>
#include <cstdint>

namespace esti::decoder {

namespace detail {
// 1 / n for the Taylor coefficients: multiplications instead of divisions (4x faster); computed
// at compile time, correctly rounded by both compilers.
inline constexpr double kInv[19] = {0,        1.0,      1.0 / 2,  1.0 / 3,  1.0 / 4,
                                    1.0 / 5,  1.0 / 6,  1.0 / 7,  1.0 / 8,  1.0 / 9,
                                    1.0 / 10, 1.0 / 11, 1.0 / 12, 1.0 / 13, 1.0 / 14,
                                    1.0 / 15, 1.0 / 16, 1.0 / 17, 1.0 / 18};
}  // namespace detail

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
  const double k = RoundHalfEven(x * kInvLn2);  // |k| <= 1023
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;  // |r| <= 0.35
  // Taylor series to r^14 / 14!: truncation < 1e-17 for |r| <= 0.35.
  double p = 1.0;
  for (int n = 14; n >= 1; --n) p = 1.0 + (r * p) * detail::kInv[n];
  // p x 2^k is exact (as ldexp): k >= -1021 and p >= e^-0.35 keep the result normal; k = 1023 with
  // p > 1 overflows to +inf exactly as ldexp does.
  return p * Pow2(static_cast<int>(k));
}

// sin and cos of x for |x| < 1e6 (RoPE angles are position x frequency <= max sequence length).
inline void DetSinCos(double x, double* s, double* c) {
  constexpr double kTwoOverPi = 6.36619772367581382433e-01;
  constexpr double kPiOver2Hi = 1.57079632673412561417e+00;  // 33 bits: k * hi exact for |k| < 2^20
  constexpr double kPiOver2Lo = 6.07710050650619224932e-11;
  const double k = RoundHalfEven(x * kTwoOverPi);  // |x| < 1e6
  const double r = (x - k * kPiOver2Hi) - k * kPiOver2Lo;  // |r| <= pi/4
  const double r2 = r * r;
  // Taylor series: sin to r^17, cos to r^18 (truncation < 1e-17 for |r| <= pi/4).
  double sp = 1.0, cp = 1.0;
  for (int n = 17; n >= 3; n -= 2) sp = 1.0 - ((r2 * sp) * detail::kInv[n]) * detail::kInv[n - 1];
  for (int n = 18; n >= 2; n -= 2) cp = 1.0 - ((r2 * cp) * detail::kInv[n]) * detail::kInv[n - 1];
  const double sr = r * sp, cr = cp;
  switch (static_cast<int64_t>(k) & 3) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = -sr; break;
    case 2: *s = -sr; *c = -cr; break;
    default: *s = -cr; *c = sr; break;
  }
}

// SiLU(x) = x * sigmoid(x) (the gate of SwiGLU, Shazeer 2020).
inline float DetSilu(float x) {
  return static_cast<float>(static_cast<double>(x) / (1.0 + DetExp(-static_cast<double>(x))));
}

}  // namespace esti::decoder
