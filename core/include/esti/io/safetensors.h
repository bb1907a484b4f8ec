// The safetensors container (https://github.com/huggingface/safetensors): 8 bytes little-endian
// header length N, N bytes of JSON {"<name>": {"dtype", "shape", "data_offsets": [begin, end]},
// "__metadata__": {string: string}}, then the data. Only the header is parsed here; the bytes stay
// in the caller's buffer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "esti/common/result.h"

namespace esti::io {

inline constexpr int64_t kSafetensorsPrefixBytes = 8;
inline constexpr int64_t kMaxSafetensorsHeaderBytes = int64_t{16} << 20;  // 16 MiB of JSON
inline constexpr int64_t kMaxSafetensorsRank = 8;
inline constexpr int64_t kMaxSafetensorsTensors = 1 << 16;

struct SafetensorsTensor {
  std::string name;
  std::string dtype;  // "F32", "F16", "BF16", "I8", ... (validated against a known list)
  std::vector<int64_t> shape;
  int64_t begin = 0, end = 0;  // absolute byte offsets in the file, end - begin = elements x size
};

// Validates the whole header against the file: length prefix within the file, JSON object (with
// the io limits), every entry with exactly dtype/shape/data_offsets, known dtype, non-negative
// shape whose byte size equals end - begin, offsets inside the data section, no two tensors
// overlapping. Errors carry the JSON pointer of the offending entry ("/<name>/data_offsets").
Result<std::vector<SafetensorsTensor>> ParseSafetensors(std::span<const uint8_t> file);

// Bytes per element of a safetensors dtype, 0 if unknown.
int64_t SafetensorsDtypeSize(const std::string& dtype);

// Writes a safetensors file of fp32/fp16/bf16 tensors (names must be unique): for tests and for
// saving generated weights. Entries are laid out in the given order.
struct SafetensorsEntry {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  std::span<const uint8_t> data;
};
std::vector<uint8_t> WriteSafetensors(const std::vector<SafetensorsEntry>& entries);

}  // namespace esti::io
