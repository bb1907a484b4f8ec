#include "decoder/kernels.h"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ESTI_X86 1
#endif
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace esti::decoder {

namespace {

// Rows are processed in blocks of kRowBlock so that one pass over an activation chunk serves
// several weight rows; activation vectors are the inner loop so a weight block is read from
// memory once for all n vectors.
constexpr int64_t kRowBlock = 4;
[[maybe_unused]] constexpr int64_t kPrefetchBytes =
    1024;  // x86 kernels: ~8 chunks ahead (measured best)

int32_t DotPortable(const int8_t* w, const int8_t* a, int64_t cols) {
  int32_t s = 0;
  for (int64_t c = 0; c < cols; ++c) s += static_cast<int32_t>(w[c]) * a[c];
  return s;
}

void MatMulPortable(const int8_t* w, int64_t rows, int64_t cols, const int8_t* a, int64_t n,
                    int32_t* acc) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < n; ++v)
      acc[v * rows + r] = DotPortable(w + r * cols, a + v * cols, cols);
}

void MatMulPortablePacked(const int8_t* w, int64_t rows, int64_t cols, const int8_t* a, int64_t n,
                          int32_t* acc) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < n; ++v) {
      int32_t s = 0;
      for (int64_t c = 0; c < cols; ++c)
        s += static_cast<int32_t>(w[PackedOffset(r, c, cols)]) * a[v * cols + c];
      acc[v * rows + r] = s;
    }
}

#ifdef ESTI_X86
// |a| (unsigned) x sign(a)*w (signed) with maddubs: both operands are within [-127, 127] (the
// quantizers never produce -128), so each pair sum is <= 2 * 127 * 127 < 2^15: no saturation.
__attribute__((target("avx2"))) inline __m256i DotStepAvx2(__m256i acc, __m256i w, __m256i a,
                                                           __m256i ones16) {
  const __m256i prod16 = _mm256_maddubs_epi16(_mm256_sign_epi8(a, a), _mm256_sign_epi8(w, a));
  return _mm256_add_epi32(acc, _mm256_madd_epi16(prod16, ones16));
}

__attribute__((target("avx2"))) inline int32_t HsumAvx2(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2"))) void MatMulAvx2(const int8_t* w, int64_t rows, int64_t cols,
                                                const int8_t* a, int64_t n, int32_t* acc) {
  const __m256i ones16 = _mm256_set1_epi16(1);
  const int64_t body = cols - cols % 32;
  int64_t r = 0;
  for (; r + kRowBlock <= rows; r += kRowBlock) {
    const int8_t* w0 = w + r * cols;
    const int8_t* w1 = w0 + cols;
    const int8_t* w2 = w1 + cols;
    const int8_t* w3 = w2 + cols;
    for (int64_t v = 0; v < n; ++v) {
      const int8_t* av = a + v * cols;
      __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
      for (int64_t c = 0; c < body; c += 32) {
        // Four row streams at once defeat part of the hardware prefetcher: ask for each row
        // kPrefetchBytes ahead.
        _mm_prefetch(reinterpret_cast<const char*>(w0 + c + kPrefetchBytes), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w1 + c + kPrefetchBytes), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w2 + c + kPrefetchBytes), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w3 + c + kPrefetchBytes), _MM_HINT_T0);
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(av + c));
        s0 = DotStepAvx2(s0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w0 + c)), x,
                         ones16);
        s1 = DotStepAvx2(s1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w1 + c)), x,
                         ones16);
        s2 = DotStepAvx2(s2, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w2 + c)), x,
                         ones16);
        s3 = DotStepAvx2(s3, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w3 + c)), x,
                         ones16);
      }
      int32_t* out = acc + v * rows + r;
      out[0] = HsumAvx2(s0) + DotPortable(w0 + body, av + body, cols - body);
      out[1] = HsumAvx2(s1) + DotPortable(w1 + body, av + body, cols - body);
      out[2] = HsumAvx2(s2) + DotPortable(w2 + body, av + body, cols - body);
      out[3] = HsumAvx2(s3) + DotPortable(w3 + body, av + body, cols - body);
    }
  }
  for (; r < rows; ++r)
    for (int64_t v = 0; v < n; ++v) {
      const int8_t* wr = w + r * cols;
      const int8_t* av = a + v * cols;
      __m256i s = _mm256_setzero_si256();
      for (int64_t c = 0; c < body; c += 32)
        s = DotStepAvx2(s, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wr + c)),
                        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(av + c)), ones16);
      acc[v * rows + r] = HsumAvx2(s) + DotPortable(wr + body, av + body, cols - body);
    }
}

// Sums of four int32x8 accumulators -> four int32 (rows r..r+3).
__attribute__((target("avx2"))) inline __m128i Hsum4Avx2(__m256i s0, __m256i s1, __m256i s2,
                                                         __m256i s3) {
  const __m256i t = _mm256_hadd_epi32(_mm256_hadd_epi32(s0, s1), _mm256_hadd_epi32(s2, s3));
  return _mm_add_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
}

// Packed layout: one sequential stream of 128-byte chunks (32 columns of four rows), prefetched
// kPrefetchBytes ahead.
__attribute__((target("avx2"))) void MatMulAvx2Packed(const int8_t* w, int64_t rows, int64_t cols,
                                                      const int8_t* a, int64_t n, int32_t* acc) {
  const __m256i ones16 = _mm256_set1_epi16(1);
  for (int64_t r = 0; r < rows; r += kPackRows) {
    const int8_t* block = w + r * cols;
    for (int64_t v = 0; v < n; ++v) {
      const int8_t* av = a + v * cols;
      const int8_t* p = block;
      __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
      for (int64_t c = 0; c < cols; c += kPackCols, p += kPackRows * kPackCols) {
        _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes + 64), _MM_HINT_T0);
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(av + c));
        s0 = DotStepAvx2(s0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), x, ones16);
        s1 = DotStepAvx2(s1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), x,
                         ones16);
        s2 = DotStepAvx2(s2, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 64)), x,
                         ones16);
        s3 = DotStepAvx2(s3, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 96)), x,
                         ones16);
      }
      int32_t out[4];
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), Hsum4Avx2(s0, s1, s2, s3));
      for (int j = 0; j < 4; ++j) acc[v * rows + r + j] = out[j];
    }
  }
}

// The same with vpdpbusd (AVX-512 VNNI, 256-bit form): |a| (unsigned) x sign(a)*w (signed),
// groups of four summed into int32 without saturation. Not exercised on the development machine
// (AMD Zen 3 has no AVX-512); the kernel-agreement test runs it wherever the CPU has it.
__attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512vnni"))) void MatMulVnniPacked(
    const int8_t* w, int64_t rows, int64_t cols, const int8_t* a, int64_t n, int32_t* acc) {
  for (int64_t r = 0; r < rows; r += kPackRows) {
    const int8_t* block = w + r * cols;
    for (int64_t v = 0; v < n; ++v) {
      const int8_t* av = a + v * cols;
      const int8_t* p = block;
      __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
      for (int64_t c = 0; c < cols; c += kPackCols, p += kPackRows * kPackCols) {
        _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes + 64), _MM_HINT_T0);
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(av + c));
        const __m256i ax = _mm256_sign_epi8(x, x);
        const __m256i* pw = reinterpret_cast<const __m256i*>(p);
        s0 = _mm256_dpbusd_epi32(s0, ax, _mm256_sign_epi8(_mm256_loadu_si256(pw + 0), x));
        s1 = _mm256_dpbusd_epi32(s1, ax, _mm256_sign_epi8(_mm256_loadu_si256(pw + 1), x));
        s2 = _mm256_dpbusd_epi32(s2, ax, _mm256_sign_epi8(_mm256_loadu_si256(pw + 2), x));
        s3 = _mm256_dpbusd_epi32(s3, ax, _mm256_sign_epi8(_mm256_loadu_si256(pw + 3), x));
      }
      int32_t out[4];
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), Hsum4Avx2(s0, s1, s2, s3));
      for (int j = 0; j < 4; ++j) acc[v * rows + r + j] = out[j];
    }
  }
}

// AVX-512 VNNI: vpdpbusd multiplies unsigned |a| by sign(a)*w and adds groups of four into int32
// without saturation. Not exercised on the development machine (AMD Zen 3 has no AVX-512); the
// kernel-agreement test runs it wherever the CPU has it.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void MatMulAvx512Vnni(
    const int8_t* w, int64_t rows, int64_t cols, const int8_t* a, int64_t n, int32_t* acc) {
  const int64_t body = cols - cols % 64;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < n; ++v) {
      const int8_t* wr = w + r * cols;
      const int8_t* av = a + v * cols;
      __m512i s = _mm512_set1_epi32(0);
      for (int64_t c = 0; c < body; c += 64) {
        const __m512i x = _mm512_loadu_si512(av + c);
        const __m512i y = _mm512_loadu_si512(wr + c);
        const __mmask64 neg = _mm512_movepi8_mask(x);  // lanes where a < 0
        const __m512i abs_x = _mm512_abs_epi8(x);
        const __m512i signed_w = _mm512_mask_sub_epi8(y, neg, _mm512_set1_epi32(0), y);
        s = _mm512_dpbusd_epi32(s, abs_x, signed_w);
      }
      alignas(64) int32_t lanes[16];
      _mm512_store_si512(lanes, s);
      int32_t total = 0;
      for (int32_t x : lanes) total += x;
      acc[v * rows + r] = total + DotPortable(wr + body, av + body, cols - body);
    }
}
#endif  // ESTI_X86

#ifdef __wasm_simd128__
// int8 weights widened to int16 and multiplied with the int16 activations by i32x4.dot_i16x8_s
// (exact: each pair sum fits int32).
inline v128_t DotStepWasm(v128_t acc, v128_t w8, const int16_t* a) {
  const v128_t lo = wasm_i16x8_extend_low_i8x16(w8), hi = wasm_i16x8_extend_high_i8x16(w8);
  acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(lo, wasm_v128_load(a)));
  return wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(hi, wasm_v128_load(a + 8)));
}

inline int32_t HsumWasm(v128_t v) {
  return wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) +
         wasm_i32x4_extract_lane(v, 2) + wasm_i32x4_extract_lane(v, 3);
}

int32_t DotPortable16(const int8_t* w, const int16_t* a, int64_t cols) {
  int32_t s = 0;
  for (int64_t c = 0; c < cols; ++c) s += static_cast<int32_t>(w[c]) * a[c];
  return s;
}

void MatMulWasmPacked(const int8_t* w, int64_t rows, int64_t cols, const int16_t* a16, int64_t n,
                      int32_t* acc) {
  for (int64_t r = 0; r < rows; r += kPackRows) {
    const int8_t* block = w + r * cols;
    for (int64_t v = 0; v < n; ++v) {
      const int16_t* av = a16 + v * cols;
      const int8_t* p = block;
      v128_t s0 = wasm_i32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (int64_t c = 0; c < cols; c += kPackCols, p += kPackRows * kPackCols) {
        s0 = DotStepWasm(s0, wasm_v128_load(p), av + c);
        s0 = DotStepWasm(s0, wasm_v128_load(p + 16), av + c + 16);
        s1 = DotStepWasm(s1, wasm_v128_load(p + 32), av + c);
        s1 = DotStepWasm(s1, wasm_v128_load(p + 48), av + c + 16);
        s2 = DotStepWasm(s2, wasm_v128_load(p + 64), av + c);
        s2 = DotStepWasm(s2, wasm_v128_load(p + 80), av + c + 16);
        s3 = DotStepWasm(s3, wasm_v128_load(p + 96), av + c);
        s3 = DotStepWasm(s3, wasm_v128_load(p + 112), av + c + 16);
      }
      int32_t* out = acc + v * rows + r;
      out[0] = HsumWasm(s0);
      out[1] = HsumWasm(s1);
      out[2] = HsumWasm(s2);
      out[3] = HsumWasm(s3);
    }
  }
}

void MatMulWasm(const int8_t* w, int64_t rows, int64_t cols, const int16_t* a16, int64_t n,
                int32_t* acc) {
  const int64_t body = cols - cols % 16;
  int64_t r = 0;
  for (; r + kRowBlock <= rows; r += kRowBlock) {
    const int8_t* w0 = w + r * cols;
    const int8_t* w1 = w0 + cols;
    const int8_t* w2 = w1 + cols;
    const int8_t* w3 = w2 + cols;
    for (int64_t v = 0; v < n; ++v) {
      const int16_t* av = a16 + v * cols;
      v128_t s0 = wasm_i32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (int64_t c = 0; c < body; c += 16) {
        s0 = DotStepWasm(s0, wasm_v128_load(w0 + c), av + c);
        s1 = DotStepWasm(s1, wasm_v128_load(w1 + c), av + c);
        s2 = DotStepWasm(s2, wasm_v128_load(w2 + c), av + c);
        s3 = DotStepWasm(s3, wasm_v128_load(w3 + c), av + c);
      }
      int32_t* out = acc + v * rows + r;
      out[0] = HsumWasm(s0) + DotPortable16(w0 + body, av + body, cols - body);
      out[1] = HsumWasm(s1) + DotPortable16(w1 + body, av + body, cols - body);
      out[2] = HsumWasm(s2) + DotPortable16(w2 + body, av + body, cols - body);
      out[3] = HsumWasm(s3) + DotPortable16(w3 + body, av + body, cols - body);
    }
  }
  for (; r < rows; ++r)
    for (int64_t v = 0; v < n; ++v) {
      const int8_t* wr = w + r * cols;
      const int16_t* av = a16 + v * cols;
      v128_t s = wasm_i32x4_splat(0);
      for (int64_t c = 0; c < body; c += 16) s = DotStepWasm(s, wasm_v128_load(wr + c), av + c);
      acc[v * rows + r] = HsumWasm(s) + DotPortable16(wr + body, av + body, cols - body);
    }
}
#endif  // __wasm_simd128__

}  // namespace

std::vector<Int8Kernel> AvailableInt8Kernels() {
  std::vector<Int8Kernel> k = {Int8Kernel::kPortable};
#ifdef ESTI_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) k.push_back(Int8Kernel::kAvx2);
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vnni")) {
    k.push_back(Int8Kernel::kAvx512Vnni);
  }
#endif
#ifdef __wasm_simd128__
  k.push_back(Int8Kernel::kWasmSimd128);
#endif
  return k;
}

Int8Kernel BestInt8Kernel() {
  static const Int8Kernel best = AvailableInt8Kernels().back();
  return best;
}

bool CanPack(int64_t rows, int64_t cols) {
  return rows > 0 && cols > 0 && rows % kPackRows == 0 && cols % kPackCols == 0;
}

void PackInt8(int64_t rows, int64_t cols, int8_t* q) {
  std::vector<int8_t> block(kPackRows * cols);  // [4, cols] one block, row-major
  for (int64_t r = 0; r < rows; r += kPackRows) {
    int8_t* base = q + r * cols;
    std::copy(base, base + kPackRows * cols, block.begin());
    for (int64_t j = 0; j < kPackRows; ++j)
      for (int64_t c = 0; c < cols; ++c) base[PackedOffset(j, c, cols)] = block[j * cols + c];
  }
}

void MatMulInt8(Int8Kernel kernel, const int8_t* w, bool packed, int64_t rows, int64_t cols,
                const int8_t* a, const int16_t* a16, int64_t n, int32_t* acc) {
  if (packed) {
    switch (kernel) {
#ifdef ESTI_X86
      case Int8Kernel::kAvx2:
        return MatMulAvx2Packed(w, rows, cols, a, n, acc);
      case Int8Kernel::kAvx512Vnni:
        return MatMulVnniPacked(w, rows, cols, a, n, acc);
#endif
#ifdef __wasm_simd128__
      case Int8Kernel::kWasmSimd128:
        return MatMulWasmPacked(w, rows, cols, a16, n, acc);
#endif
      default:
        return MatMulPortablePacked(w, rows, cols, a, n, acc);
    }
  }
  switch (kernel) {
#ifdef ESTI_X86
    case Int8Kernel::kAvx2:
      return MatMulAvx2(w, rows, cols, a, n, acc);
    case Int8Kernel::kAvx512Vnni:
      return MatMulAvx512Vnni(w, rows, cols, a, n, acc);
#endif
#ifdef __wasm_simd128__
    case Int8Kernel::kWasmSimd128:
      return MatMulWasm(w, rows, cols, a16, n, acc);
#endif
    default:
      (void)a16;
      return MatMulPortable(w, rows, cols, a, n, acc);
  }
}

void MatMulF32(const float* w, int64_t rows, int64_t cols, const float* x, int64_t n, float* out) {
  const int64_t body = cols - cols % 8;
  for (int64_t r = 0; r < rows; ++r) {
    const float* wr = w + r * cols;
    for (int64_t v = 0; v < n; ++v) {
      const float* xv = x + v * cols;
      float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (int64_t c = 0; c < body; c += 8)
        for (int j = 0; j < 8; ++j) s[j] += wr[c + j] * xv[c + j];
      float t = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
      for (int64_t c = body; c < cols; ++c) t += wr[c] * xv[c];
      out[v * rows + r] = t;
    }
  }
}

}  // namespace esti::decoder
