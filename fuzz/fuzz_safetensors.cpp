// Any bytes as a safetensors file: no crash, leak or UB; an accepted file's tensors lie inside the
// data section, cover it exactly without overlap, and have byte sizes matching shape x dtype.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "esti/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = esti::io::ParseSafetensors(std::span<const uint8_t>(data, size));
  if (!r.ok()) {
    if (r.error().code.empty() || r.error().code == "internal") std::abort();
    return 0;
  }
  std::vector<esti::io::SafetensorsTensor> t = r.value();
  std::sort(t.begin(), t.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
  int64_t covered = -1;
  for (const auto& x : t) {
    if (x.begin < 8 || x.end < x.begin || x.end > static_cast<int64_t>(size)) std::abort();
    int64_t bytes = esti::io::SafetensorsDtypeSize(x.dtype);
    for (int64_t d : x.shape) bytes *= d;  // bounded: the reader checked it against the file
    if (bytes != x.end - x.begin) std::abort();
    if (covered >= 0 && x.begin < covered) std::abort();
    covered = std::max(covered, x.end);
  }
  if (!t.empty() && covered != static_cast<int64_t>(size)) std::abort();
  return 0;
}
