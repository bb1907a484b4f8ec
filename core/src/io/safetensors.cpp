#include "esti/io/safetensors.h"

#include <algorithm>
#include <string_view>

#include "esti/common/checked.h"
#include "esti/io/json_input.h"
#include "esti/io/object_reader.h"

namespace esti::io {

int64_t SafetensorsDtypeSize(const std::string& dtype) {
  static const std::pair<const char*, int64_t> kSizes[] = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8}, {"I32", 4},  {"I16", 2},
      {"I8", 1},  {"U8", 1},  {"BOOL", 1}, {"U16", 2}, {"U32", 4}, {"U64", 8}, {"F8_E4M3", 1},
      {"F8_E5M2", 1}};
  for (const auto& [name, size] : kSizes)
    if (dtype == name) return size;
  return 0;
}

namespace {

std::vector<SafetensorsTensor> Read(std::span<const uint8_t> file) {
  const int64_t size = static_cast<int64_t>(file.size());
  if (size < kSafetensorsPrefixBytes) Fail(codes::kInvalidValue, "", "file shorter than the 8-byte header length");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | file[i];
  if (n > static_cast<uint64_t>(kMaxSafetensorsHeaderBytes)) {
    Fail(codes::kTooLarge, "", "header of " + std::to_string(n) + " bytes exceeds the limit of " +
                                   std::to_string(kMaxSafetensorsHeaderBytes));
  }
  const int64_t header = static_cast<int64_t>(n);
  if (header > size - kSafetensorsPrefixBytes) Fail(codes::kInvalidValue, "", "header length runs past the end of the file");
  const int64_t data_size = size - kSafetensorsPrefixBytes - header;
  std::string_view text(reinterpret_cast<const char*>(file.data() + kSafetensorsPrefixBytes),
                        static_cast<size_t>(header));
  ParseLimits limits;
  limits.max_bytes = kMaxSafetensorsHeaderBytes;
  Result<Json> parsed = ParseJson(text, limits);
  if (!parsed.ok()) throw InputError{parsed.error()};
  const Json& j = parsed.value();
  if (!j.is_object()) Fail(codes::kTypeError, "", "header is not a JSON object");
  if (static_cast<int64_t>(j.size()) > kMaxSafetensorsTensors + 1) Fail(codes::kTooLarge, "", "too many tensors");

  std::vector<SafetensorsTensor> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string path = PointerAppend("", it.key());
    if (it.key() == "__metadata__") {
      if (!it->is_object()) Fail(codes::kTypeError, path, "expected an object of strings");
      for (auto m = it->begin(); m != it->end(); ++m)
        if (!m->is_string()) Fail(codes::kTypeError, PointerAppend(path, m.key()), "expected a string");
      continue;
    }
    ObjectReader r(*it, path);
    SafetensorsTensor t;
    t.name = it.key();
    t.dtype = r.String("dtype", 16);
    const int64_t elem = SafetensorsDtypeSize(t.dtype);
    if (elem == 0) Fail(codes::kInvalidValue, r.PathOf("dtype"), "unknown dtype \"" + t.dtype + "\"");
    const Json& shape = r.Required("shape");
    if (!shape.is_array()) Fail(codes::kTypeError, r.PathOf("shape"), "expected an array");
    if (static_cast<int64_t>(shape.size()) > kMaxSafetensorsRank) Fail(codes::kTooLarge, r.PathOf("shape"), "rank too high");
    int64_t bytes = elem;
    for (size_t d = 0; d < shape.size(); ++d) {
      const int64_t dim = ToInt(shape[d], PointerAppend(r.PathOf("shape"), std::to_string(d)), 0, size);
      t.shape.push_back(dim);
      auto b = CheckedMul(bytes, dim);
      if (!b || *b > data_size) Fail(codes::kInvalidValue, r.PathOf("shape"), "shape needs more bytes than the file holds");
      bytes = *b;
    }
    const Json& offs = r.Required("data_offsets");
    if (!offs.is_array() || offs.size() != 2) Fail(codes::kTypeError, r.PathOf("data_offsets"), "expected [begin, end]");
    const int64_t begin = ToInt(offs[0], r.PathOf("data_offsets") + "/0", 0, data_size);
    const int64_t end = ToInt(offs[1], r.PathOf("data_offsets") + "/1", 0, data_size);
    if (end < begin || end - begin != bytes) {
      Fail(codes::kInvalidValue, r.PathOf("data_offsets"),
           "[" + std::to_string(begin) + ", " + std::to_string(end) + ") does not hold " +
               std::to_string(bytes) + " bytes of shape and dtype");
    }
    r.Finish();
    t.begin = kSafetensorsPrefixBytes + header + begin;
    t.end = kSafetensorsPrefixBytes + header + end;
    out.push_back(std::move(t));
  }
  // No two tensors may share bytes.
  std::vector<const SafetensorsTensor*> sorted;
  for (const auto& t : out) sorted.push_back(&t);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i]->begin < sorted[i - 1]->end) {
      Fail(codes::kInvalidValue, PointerAppend("", sorted[i]->name) + "/data_offsets",
           "overlaps tensor \"" + sorted[i - 1]->name + "\"");
    }
  }
  return out;
}

}  // namespace

Result<std::vector<SafetensorsTensor>> ParseSafetensors(std::span<const uint8_t> file) {
  return Guard<std::vector<SafetensorsTensor>>([&] { return Read(file); });
}

std::vector<uint8_t> WriteSafetensors(const std::vector<SafetensorsEntry>& entries) {
  Json header = Json::object();
  int64_t offset = 0;
  for (const SafetensorsEntry& e : entries) {
    const int64_t bytes = static_cast<int64_t>(e.data.size());
    header[e.name] = {{"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  while (text.size() % 8 != 0) text += ' ';  // the format pads the header to 8-byte alignment
  std::vector<uint8_t> out;
  out.reserve(8 + text.size() + static_cast<size_t>(offset));
  uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  for (const SafetensorsEntry& e : entries) out.insert(out.end(), e.data.begin(), e.data.end());
  return out;
}

}  // namespace esti::io
