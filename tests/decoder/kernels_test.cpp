#include "decoder/kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "decoder/det_math.h"
#include "decoder/prng.h"
#include "decoder/quantize.h"

namespace esti::decoder {
namespace {

// Every int8 kernel the CPU (or wasm) offers gives exactly the portable kernel's int32 results,
// over shapes that exercise row blocks, SIMD bodies and scalar tails, including the extreme
// values +-127.
TEST(Int8Kernels, AllVariantsAgreeExactlyWithPortable) {
  SplitMix64 rng(7);
  for (int64_t rows : {1, 3, 4, 5, 8, 9}) {
    for (int64_t cols : {1, 15, 16, 31, 32, 33, 64, 96, 100, 257}) {
      for (int64_t n : {1, 3}) {
        std::vector<int8_t> w(rows * cols), a(n * cols);
        std::vector<int16_t> a16(n * cols);
        for (auto& x : w) x = static_cast<int8_t>(static_cast<int>(rng.Next() % 255) - 127);
        for (size_t i = 0; i < a.size(); ++i) {
          a[i] = static_cast<int8_t>(i % 7 == 0 ? (i % 2 ? 127 : -127)
                                                : static_cast<int>(rng.Next() % 255) - 127);
          a16[i] = a[i];
        }
        std::vector<int32_t> want(n * rows), got(n * rows);
        MatMulInt8(Int8Kernel::kPortable, w.data(), false, rows, cols, a.data(), a16.data(), n,
                   want.data());
        // Against a plain reference too.
        for (int64_t v = 0; v < n; ++v)
          for (int64_t r = 0; r < rows; ++r) {
            int64_t s = 0;
            for (int64_t c = 0; c < cols; ++c) s += int64_t{w[r * cols + c]} * a[v * cols + c];
            ASSERT_EQ(want[v * rows + r], s);
          }
        std::vector<int8_t> packed = w;
        const bool can_pack = CanPack(rows, cols);
        if (can_pack) PackInt8(rows, cols, packed.data());
        for (Int8Kernel k : AvailableInt8Kernels()) {
          std::fill(got.begin(), got.end(), -1);
          MatMulInt8(k, w.data(), false, rows, cols, a.data(), a16.data(), n, got.data());
          ASSERT_EQ(got, want) << ToString(k) << " rows=" << rows << " cols=" << cols << " n=" << n;
          if (!can_pack) continue;
          std::fill(got.begin(), got.end(), -1);
          MatMulInt8(k, packed.data(), true, rows, cols, a.data(), a16.data(), n, got.data());
          ASSERT_EQ(got, want) << "packed " << ToString(k) << " rows=" << rows << " cols=" << cols;
        }
      }
    }
  }
}

TEST(Int8Kernels, BestIsTheLastAvailable) {
  EXPECT_EQ(BestInt8Kernel(), AvailableInt8Kernels().back());
#ifdef __wasm_simd128__
  EXPECT_EQ(BestInt8Kernel(), Int8Kernel::kWasmSimd128);
#endif
}

TEST(Quantize, RowIsSymmetricAndWithinHalfAStep) {
  std::vector<float> w = {0.5f, -1.0f, 0.25f, 0.0f, 0.999f, -0.003f};
  std::vector<int8_t> q(w.size());
  const float s = QuantizeRow(w.data(), static_cast<int64_t>(w.size()), q.data());
  EXPECT_FLOAT_EQ(s, 1.0f / 127);
  EXPECT_EQ(q[1], -127);
  for (size_t i = 0; i < w.size(); ++i) EXPECT_LE(std::fabs(q[i] * s - w[i]), s / 2 + 1e-7);
  std::vector<float> zero(4, 0.0f);
  EXPECT_EQ(QuantizeRow(zero.data(), 4, q.data()), 0.0f);
}

TEST(MatMulF32, MatchesDoubleReference) {
  SplitMix64 rng(3);
  const int64_t rows = 5, cols = 37, n = 2;
  std::vector<float> w(rows * cols), x(n * cols), out(n * rows);
  for (auto& v : w) v = static_cast<float>(rng.NextDouble() - 0.5);
  for (auto& v : x) v = static_cast<float>(rng.NextDouble() - 0.5);
  MatMulF32(w.data(), rows, cols, x.data(), n, out.data());
  for (int64_t v = 0; v < n; ++v)
    for (int64_t r = 0; r < rows; ++r) {
      double s = 0;
      for (int64_t c = 0; c < cols; ++c) s += double{w[r * cols + c]} * x[v * cols + c];
      EXPECT_NEAR(out[v * rows + r], s, 1e-5);
    }
}

// The libm-free rounding and power of two equal nearbyint and ldexp over their whole domains
// (halves, negative zero side, the exponent range DetExp uses).
TEST(DetMath, RoundHalfEvenAndPow2MatchLibm) {
  for (int i = -2600; i <= 2600; ++i) {
    const double x = i * 0.05;  // includes exact halves
    EXPECT_EQ(RoundHalfEven(x), std::nearbyint(x)) << x;
    const float f = static_cast<float>(i) * 0.05f;
    EXPECT_EQ(RoundHalfEven(f), std::nearbyint(f)) << f;
  }
  for (double x : {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, -126.5, 1e15 + 0.5}) {
    EXPECT_EQ(RoundHalfEven(x), std::nearbyint(x)) << x;
  }
  for (int k = -1022; k <= 1023; ++k) EXPECT_EQ(Pow2(k), std::ldexp(1.0, k)) << k;
}

// The deterministic transcendentals are accurate to ~1e-15 relative (compared with libm, which
// itself differs between glibc and musl in the last bit).
TEST(DetMath, ExpSinCosMatchLibm) {
  for (double x = -700; x <= 700; x += 0.37) {
    EXPECT_NEAR(DetExp(x) / std::exp(x), 1.0, 4e-15) << x;
  }
  EXPECT_EQ(DetExp(-1000), 0.0);
  EXPECT_EQ(DetExp(0), 1.0);
  for (double x = -9000; x <= 9000; x += 0.731) {
    double s, c;
    DetSinCos(x, &s, &c);
    EXPECT_NEAR(s, std::sin(x), 2e-13) << x;
    EXPECT_NEAR(c, std::cos(x), 2e-13) << x;
  }
}

// The four-lane float exp is within 2^-21 relative of libm's double exp over the whole normal
// range (7 Horner steps and the reduction: a few float ulps, 2^-23 each), saturates to 0 and +inf
// outside it, and the SwiGLU / softmax loops built on it handle every tail length.
TEST(DetMath, FloatExpAndItsLoops) {
  float worst = 0;
  for (float x = -87.3f; x <= 88.7f; x += 0.0137f) {
    const detail::F4 y = DetExpF4(detail::F4{x, -x / 3, x / 7, 0.0f});
    const double want[4] = {std::exp(double{x}), std::exp(double{-x / 3}), std::exp(double{x / 7}),
                            1.0};
    for (int j = 0; j < 4; ++j)
      worst = std::max(worst, static_cast<float>(std::fabs(y[j] / want[j] - 1)));
  }
  EXPECT_LT(worst, 0x1p-21f);
  const detail::F4 edge = DetExpF4(detail::F4{-88.0f, 89.0f, -HUGE_VALF, HUGE_VALF});
  EXPECT_EQ(edge[0], 0.0f);
  EXPECT_EQ(edge[1], HUGE_VALF);
  EXPECT_EQ(edge[2], 0.0f);
  EXPECT_EQ(edge[3], HUGE_VALF);
  EXPECT_TRUE(std::isnan(DetExpF4(detail::F4{NAN, 0, 0, 0})[0]));

  for (int64_t n : {1, 3, 4, 5, 11}) {
    std::vector<float> gate(n), up(n), scores(n);
    for (int64_t i = 0; i < n; ++i) {
      gate[i] = 0.7f * static_cast<float>(i) - 3.0f;
      up[i] = 1.0f + 0.25f * static_cast<float>(i);
      scores[i] = -0.5f * static_cast<float>(i);
    }
    std::vector<float> swiglu = gate, exps = scores;
    DetSwiGluInPlace(swiglu.data(), up.data(), n);
    DetExpShiftedInPlace(exps.data(), n, 1.5f);
    for (int64_t i = 0; i < n; ++i) {
      const double g = gate[i];
      EXPECT_NEAR(swiglu[i], g / (1 + std::exp(-g)) * up[i], 1e-5 * std::fabs(swiglu[i]))
          << n << " " << i;
      EXPECT_NEAR(exps[i], std::exp(double{scores[i]} - 1.5), 1e-6 * exps[i]) << n << " " << i;
    }
  }
}

}  // namespace
}  // namespace esti::decoder
