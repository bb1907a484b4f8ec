// Deterministic transcendental functions built only from +, -, *, / and exact operations
// (round-half-even, scaling by a power of two), so that results are bit-identical with glibc
// natively and musl in wasm (their exp/sin/cos differ in the last bit). With -ffp-contract=off
// every operation below is a single IEEE-754 rounding in both builds.
#pragma once

#include <cmath>
#include <cstdint>

#include "common/det_math.h"

namespace esti::decoder {

namespace detail {
using det_detail::kInv;
}  // namespace detail

// The scalar functions live in common/det_math.h (the calibration fit uses them too).
using esti::DetExp;
using esti::Pow2;
using esti::RoundHalfEven;

// sin and cos of x for |x| < 1e6 (RoPE angles are position x frequency <= max sequence length).
inline void DetSinCos(double x, double* s, double* c) {
  constexpr double kTwoOverPi = 6.36619772367581382433e-01;
  constexpr double kPiOver2Hi = 1.57079632673412561417e+00;  // 33 bits: k * hi exact for |k| < 2^20
  constexpr double kPiOver2Lo = 6.07710050650619224932e-11;
  const double k = RoundHalfEven(x * kTwoOverPi);          // |x| < 1e6
  const double r = (x - k * kPiOver2Hi) - k * kPiOver2Lo;  // |r| <= pi/4
  const double r2 = r * r;
  // Taylor series: sin to r^17, cos to r^18 (truncation < 1e-17 for |r| <= pi/4).
  double sp = 1.0, cp = 1.0;
  for (int n = 17; n >= 3; n -= 2) sp = 1.0 - ((r2 * sp) * detail::kInv[n]) * detail::kInv[n - 1];
  for (int n = 18; n >= 2; n -= 2) cp = 1.0 - ((r2 * cp) * detail::kInv[n]) * detail::kInv[n - 1];
  const double sr = r * sp, cr = cp;
  switch (static_cast<int64_t>(k) & 3) {
    case 0:
      *s = sr;
      *c = cr;
      break;
    case 1:
      *s = cr;
      *c = -sr;
      break;
    case 2:
      *s = -sr;
      *c = -cr;
      break;
    default:
      *s = -cr;
      *c = sr;
      break;
  }
}

// Four-lane float exp for the decoder's per-element loops (SwiGLU over d_ff, softmax over the
// context: ~10^5 values per token of the benchmark model, where the scalar double DetExp above cost
// ~5% of a decode step). GCC/Clang vector extensions: SSE2 natively, SIMD128 in wasm, the same
// IEEE operation per lane in both, so results stay bit-identical.
namespace detail {
typedef float F4 __attribute__((vector_size(16)));
typedef int32_t I4 __attribute__((vector_size(16)));

inline F4 Select(I4 mask, F4 a, F4 b) {  // mask lanes are all ones (a) or zero (b)
  return __builtin_bit_cast(
      F4, (mask & __builtin_bit_cast(I4, a)) | (~mask & __builtin_bit_cast(I4, b)));
}

inline F4 Pow2F4(I4 k) {  // 2^k, -126 <= k <= 127
  return __builtin_bit_cast(F4, (k + 127) << 23);
}

// Applies f (F4 -> F4, lane-wise) to x[0..n) in place, reading y[0..n) as its second argument;
// the last partial group is padded with zeros, so every element sees the same lane arithmetic.
template <typename Fn>
inline void ForEachF4(float* x, const float* y, int64_t n, Fn f) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    F4 a, b = {};
    __builtin_memcpy(&a, x + i, sizeof a);
    if (y != nullptr) __builtin_memcpy(&b, y + i, sizeof b);
    const F4 out = f(a, b);
    __builtin_memcpy(x + i, &out, sizeof out);
  }
  if (i == n) return;
  F4 a = {}, b = {};
  __builtin_memcpy(&a, x + i, sizeof(float) * (n - i));
  if (y != nullptr) __builtin_memcpy(&b, y + i, sizeof(float) * (n - i));
  const F4 out = f(a, b);
  __builtin_memcpy(x + i, &out, sizeof(float) * (n - i));
}
}  // namespace detail

// e^x per lane, relative error < 2^-21 over the normal range (tested against std::exp). 0 below
// ln(2^-126), +inf above ln(FLT_MAX), NaN propagates.
inline detail::F4 DetExpF4(detail::F4 x) {
  using detail::F4;
  using detail::I4;
  constexpr float kLo = -87.33654f;  // ln(2^-126): the smallest normal result
  constexpr float kHi = 88.72283f;   // ln(FLT_MAX)
  constexpr float kInvLn2 = 1.44269504f;
  constexpr float kLn2Hi = 0.693145751953125f;  // 16 significant bits: k * hi is exact
  constexpr float kLn2Lo = 1.42860677e-6f;
  constexpr float kMagic = 12582912.0f;  // 1.5 x 2^23: round half even, as RoundHalfEven(float)
  const I4 in_range = (x >= kLo) & (x <= kHi);  // false for NaN
  const F4 xc = detail::Select(in_range, x, F4{});
  const F4 k = (xc * kInvLn2 + kMagic) - kMagic;  // -126 <= k <= 128
  const F4 r = (xc - k * kLn2Hi) - k * kLn2Lo;    // |r| <= 0.347
  // Taylor series to r^7 / 7!: truncation < 6e-9 relative for |r| <= 0.347.
  F4 p = F4{} + static_cast<float>(1.0 / 5040);
  p = p * r + static_cast<float>(1.0 / 720);
  p = p * r + static_cast<float>(1.0 / 120);
  p = p * r + static_cast<float>(1.0 / 24);
  p = p * r + static_cast<float>(1.0 / 6);
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // p x 2^k in two exact halves (k = 128 has no float power of two; x near kHi overflows to +inf
  // exactly as it should).
  const I4 ki = __builtin_convertvector(k, I4);
  const I4 k1 = ki >> 1;
  const F4 y = (p * detail::Pow2F4(k1)) * detail::Pow2F4(ki - k1);
  const F4 out_of_range =
      detail::Select(x > kHi, F4{} + HUGE_VALF, detail::Select(x < kLo, F4{}, x));
  return detail::Select(in_range, y, out_of_range);
}

// gate[i] = SiLU(gate[i]) * up[i] for i < n (SwiGLU's elementwise step; SiLU(x) = x * sigmoid(x),
// Shazeer 2020).
inline void DetSwiGluInPlace(float* gate, const float* up, int64_t n) {
  using detail::F4;
  detail::ForEachF4(gate, up, n, [](F4 g, F4 u) { return (g / (1.0f + DetExpF4(-g))) * u; });
}

// x[i] = e^(x[i] - shift) for i < n (softmax numerators).
inline void DetExpShiftedInPlace(float* x, int64_t n, float shift) {
  using detail::F4;
  detail::ForEachF4(x, nullptr, n, [shift](F4 v, F4) { return DetExpF4(v - shift); });
}

// a . b with 8 strided partial sums combined in a fixed tree: the same rounding in both builds
// and in the sharded decoder (mesh/), and no serial dependency on one accumulator (the attention
// of long contexts is otherwise latency-bound).
inline float DetDot(const float* a, const float* b, int64_t n) {
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const int64_t body = n - n % 8;
  for (int64_t i = 0; i < body; i += 8)
    for (int j = 0; j < 8; ++j) s[j] += a[i + j] * b[i + j];
  float t = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
  for (int64_t i = body; i < n; ++i) t += a[i] * b[i];
  return t;
}

}  // namespace esti::decoder
