// Symmetric int8 quantization. Weights: one scale per output channel (matrix row), chosen because
// the int32 dot product of a whole row then needs a single float multiply to dequantize, which
// keeps the kernel a pure integer loop (README "Reference decoder" has the measured error).
// Activations: one scale per token vector, computed on the fly before each matrix product.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace esti::decoder {

inline constexpr int kInt8Max = 127;  // symmetric: -128 is never produced (keeps |q| in 7 bits)

// Quantizes one row of `cols` values: q = round(w / s) with s = max|w| / 127. Returns s (0 for an
// all-zero row, whose q are all 0).
float QuantizeRow(const float* w, int64_t cols, int8_t* q);

// Token activations [n, cols] quantized per vector, in the three forms the kernels read.
struct QuantizedActs {
  int64_t n = 0, cols = 0;
  std::vector<int8_t> q;     // [n, cols]
  std::vector<int16_t> q16;  // [n, cols] the same values widened (wasm SIMD dot_i16x8)
  std::vector<float> scale;  // [n]
};
void QuantizeActs(const float* x, int64_t n, int64_t cols, QuantizedActs* out);

// FNV-1a (64-bit) over raw bytes, continuing from `h` (start with kFnvOffset).
inline constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
inline uint64_t Fnv1a(uint64_t h, const void* data, int64_t bytes) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  for (int64_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}
std::string HashHex(uint64_t h);

}  // namespace esti::decoder
