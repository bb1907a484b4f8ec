// Checked 64-bit arithmetic for model-scale integer quantities (bytes, element counts).
// size_t is 32-bit in wasm, so nothing here uses it.
#pragma once

#include <cstdint>
#include <optional>

namespace esti {

inline std::optional<int64_t> CheckedMul(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

inline std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

}  // namespace esti
