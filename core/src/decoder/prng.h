// The decoder's own seeded PRNG (splitmix64): the same stream natively and in wasm, independent of
// any standard library's distributions.
#pragma once

#include <cstdint>

namespace esti::decoder {

// One splitmix64 step (Steele, Lea & Flood 2014): a bijective 64-bit mix.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return Mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  // Uniform in [0, 1) with 53 random bits (exactly representable, no rounding).
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// A seed for stream `index` derived from `seed`, so that streams do not overlap in practice.
inline uint64_t DeriveSeed(uint64_t seed, uint64_t index) {
  return Mix64(seed ^ Mix64(index + 0x632be59bd9b4e019ULL));
}

}  // namespace esti::decoder
