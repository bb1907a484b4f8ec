#include "esti/io/safetensors.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string_view>

#include "common/checked.h"
#include "esti/io/json_input.h"
#include "io/object_reader.h"

namespace esti::io {

int64_t SafetensorsDtypeSize(const std::string& dtype) {
  static const std::pair<const char*, int64_t> kSizes[] = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2},    {"I64", 8},
      {"I32", 4}, {"I16", 2}, {"I8", 1},  {"U8", 1},      {"BOOL", 1},
      {"U16", 2}, {"U32", 4}, {"U64", 8}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
  for (const auto& [name, size] : kSizes)
    if (dtype == name) return size;
  return 0;
}

namespace {

// Reads the header straight from nlohmann's SAX events into SafetensorsTensor values: no JSON DOM
// is built, so a 65,536-tensor header costs one lexer pass (issue 12 item 1: the DOM built by the
// callback parser cost 59 s; even a linear DOM costs twice the lexer). Every entry is checked as
// it ends, with the same codes and paths as ObjectReader would give; any nesting the format does
// not have is an immediate type_error, so depth is bounded (3) without a pre-scan.
class HeaderReader {
 public:
  HeaderReader(int64_t file_size, int64_t data_start, int64_t data_size)
      : file_size_(file_size), data_start_(data_start), data_size_(data_size) {}

  bool null() { return Scalar(Json(nullptr)); }
  bool boolean(bool v) { return Scalar(Json(v)); }
  bool number_integer(Json::number_integer_t v) { return Scalar(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return Scalar(Json(v)); }
  bool number_float(Json::number_float_t v, const Json::string_t& /*text*/) {
    return Scalar(Json(v));
  }
  bool string(Json::string_t& v) {
    if (level_ == Level::kField && field_ == Field::kDtype) {
      if (static_cast<int64_t>(v.size()) > 16)
        return Err(codes::kOutOfRange, FieldPath(), "string longer than 16 bytes");
      t_.dtype = std::move(v);
      if (SafetensorsDtypeSize(t_.dtype) == 0) {
        return Err(codes::kInvalidValue, FieldPath(), "unknown dtype \"" + t_.dtype + "\"");
      }
      return EndField();
    }
    if (level_ == Level::kMetadataValue) {
      level_ = Level::kMetadata;
      return true;
    }
    return Scalar(Json(std::move(v)));
  }
  bool binary(Json::binary_t& /*v*/) { return Err(codes::kTypeError, "", "binary value"); }

  bool start_object(std::size_t /*elements*/) {
    switch (level_) {
      case Level::kRoot:
        level_ = Level::kEntries;
        return true;
      case Level::kEntryValue:
        if (entry_is_metadata_) {
          level_ = Level::kMetadata;
          return true;
        }
        level_ = Level::kTensor;
        t_ = SafetensorsTensor{};
        t_.name = entry_;
        seen_ = {};
        return true;
      default:
        return Unexpected("object");
    }
  }
  bool start_array(std::size_t /*elements*/) {
    if (level_ == Level::kField && field_ != Field::kDtype) {
      level_ = Level::kElements;
      elements_ = 0;
      return true;
    }
    return Unexpected("array");
  }

  bool key(Json::string_t& k) {
    if (level_ == Level::kEntries) {
      if (++entries_ > kMaxSafetensorsTensors + 1) {
        return Err(codes::kTooLarge, "",
                   "more than " + std::to_string(kMaxSafetensorsTensors) + " tensors");
      }
      entry_ = std::move(k);
      entry_is_metadata_ = entry_ == "__metadata__";
      if (entry_is_metadata_ && seen_metadata_)
        return Err(codes::kDuplicateKey, EntryPath(), "key appears more than once");
      seen_metadata_ = seen_metadata_ || entry_is_metadata_;
      level_ = Level::kEntryValue;
      return true;
    }
    if (level_ == Level::kMetadata) {
      if (!metadata_keys_.insert(k).second) {
        return Err(codes::kDuplicateKey, PointerAppend(EntryPath(), k),
                   "key appears more than once");
      }
      metadata_key_ = std::move(k);
      level_ = Level::kMetadataValue;
      return true;
    }
    // Level::kTensor
    field_key_ = std::move(k);
    if (field_key_ == "dtype")
      field_ = Field::kDtype;
    else if (field_key_ == "shape")
      field_ = Field::kShape;
    else if (field_key_ == "data_offsets")
      field_ = Field::kOffsets;
    else
      return Err(codes::kUnknownKey, FieldPath(), "unknown key \"" + field_key_ + "\"");
    const int f = static_cast<int>(field_);
    if (seen_[f]) return Err(codes::kDuplicateKey, FieldPath(), "key appears more than once");
    seen_[f] = true;
    level_ = Level::kField;
    return true;
  }

  bool end_array() {  // only the elements of shape or data_offsets get here
    if (field_ == Field::kOffsets && elements_ != 2) {
      return Err(codes::kTypeError, FieldPath(), "expected [begin, end]");
    }
    return EndField();
  }

  bool end_object() {
    switch (level_) {
      case Level::kEntries:
        level_ = Level::kDone;
        return true;
      case Level::kMetadata:
        level_ = Level::kEntries;
        return true;
      default:  // Level::kTensor
        return EndTensor();
    }
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) {
    if (!error_) error_ = MakeError(codes::kParseError, "", e.what());
    return false;
  }

  const std::optional<Error>& error() const { return error_; }
  bool root_is_object() const { return level_ != Level::kRoot; }
  std::vector<SafetensorsTensor>& tensors() { return out_; }

 private:
  enum class Level {
    kRoot,
    kEntries,
    kEntryValue,
    kMetadata,
    kMetadataValue,
    kTensor,
    kField,
    kElements,
    kDone
  };
  enum class Field { kDtype = 0, kShape = 1, kOffsets = 2 };

  std::string EntryPath() const { return PointerAppend("", entry_); }
  std::string FieldPath() const { return PointerAppend(EntryPath(), field_key_); }

  bool Err(const char* code, std::string path, std::string message) {
    if (!error_) error_ = MakeError(code, std::move(path), std::move(message));
    return false;
  }

  // A value where the format has no container: the error ObjectReader would give.
  bool Unexpected(const char* type) {
    switch (level_) {
      case Level::kRoot:
        return Err(codes::kTypeError, "", "header is not a JSON object");
      case Level::kEntryValue:
        return entry_is_metadata_
                   ? Err(codes::kTypeError, EntryPath(), "expected an object of strings")
                   : Err(codes::kTypeError, EntryPath(),
                         std::string("expected an object, got ") + type);
      case Level::kMetadataValue:
        return Err(codes::kTypeError, PointerAppend(EntryPath(), metadata_key_),
                   "expected a string");
      case Level::kField:
        if (field_ == Field::kDtype)
          return Err(codes::kTypeError, FieldPath(), std::string("expected a string, got ") + type);
        return Err(codes::kTypeError, FieldPath(),
                   field_ == Field::kShape ? "expected an array" : "expected [begin, end]");
      case Level::kElements:
        return Err(codes::kTypeError, PointerAppend(FieldPath(), std::to_string(elements_)),
                   std::string("expected an integer, got ") + type);
      default:
        return Err(codes::kTypeError, "", std::string("unexpected ") + type);
    }
  }

  bool Scalar(const Json& v) {
    if (level_ != Level::kElements) return Unexpected(v.type_name());
    try {
      if (field_ == Field::kShape) {
        if (elements_ >= kMaxSafetensorsRank)
          return Err(codes::kTooLarge, FieldPath(), "rank too high");
        t_.shape.push_back(Element(v, file_size_));
      } else if (elements_ < 2) {
        offsets_[elements_] = Element(v, data_size_);
      }
    } catch (const InputError& e) {
      if (!error_) error_ = e.error;
      return false;
    }
    ++elements_;
    return true;
  }

  // An integer in [0, max]; the common case without building the path ToInt reports.
  int64_t Element(const Json& v, int64_t max) const {
    if (v.is_number_unsigned()) {
      const uint64_t u = v.get<uint64_t>();
      if (u <= static_cast<uint64_t>(max)) return static_cast<int64_t>(u);
    }
    return ToInt(v, PointerAppend(FieldPath(), std::to_string(elements_)), 0, max);
  }

  bool EndField() {
    level_ = Level::kTensor;
    return true;
  }

  bool EndTensor() {
    level_ = Level::kEntries;
    static const char* const kNames[] = {"dtype", "shape", "data_offsets"};
    for (int f = 0; f < 3; ++f) {
      if (!seen_[f])
        return Err(codes::kMissingField, PointerAppend(EntryPath(), kNames[f]),
                   "required field is missing");
    }
    int64_t bytes = SafetensorsDtypeSize(t_.dtype);
    for (int64_t dim : t_.shape) {
      auto b = CheckedMul(bytes, dim);
      if (!b || *b > data_size_) {
        return Err(codes::kInvalidValue, PointerAppend(EntryPath(), "shape"),
                   "shape needs more bytes than the file holds");
      }
      bytes = *b;
    }
    const int64_t begin = offsets_[0], end = offsets_[1];
    if (end < begin || end - begin != bytes) {
      return Err(codes::kInvalidValue, PointerAppend(EntryPath(), "data_offsets"),
                 "[" + std::to_string(begin) + ", " + std::to_string(end) + ") does not hold " +
                     std::to_string(bytes) + " bytes of shape and dtype");
    }
    t_.begin = data_start_ + begin;
    t_.end = data_start_ + end;
    out_.push_back(std::move(t_));
    return true;
  }

  const int64_t file_size_, data_start_, data_size_;
  Level level_ = Level::kRoot;
  int64_t entries_ = 0;
  std::string entry_;
  bool entry_is_metadata_ = false, seen_metadata_ = false;
  std::set<std::string> metadata_keys_;
  std::string metadata_key_;
  SafetensorsTensor t_;
  std::array<bool, 3> seen_{};
  Field field_ = Field::kDtype;
  std::string field_key_;
  int64_t elements_ = 0;
  std::array<int64_t, 2> offsets_{};
  std::vector<SafetensorsTensor> out_;
  std::optional<Error> error_;
};

std::vector<SafetensorsTensor> Read(std::span<const uint8_t> file) {
  const int64_t size = static_cast<int64_t>(file.size());
  if (size < kSafetensorsPrefixBytes)
    Fail(codes::kInvalidValue, "", "file shorter than the 8-byte header length");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | file[i];
  if (n > static_cast<uint64_t>(kMaxSafetensorsHeaderBytes)) {
    Fail(codes::kTooLarge, "",
         "header of " + std::to_string(n) + " bytes exceeds the limit of " +
             std::to_string(kMaxSafetensorsHeaderBytes));
  }
  const int64_t header = static_cast<int64_t>(n);
  if (header > size - kSafetensorsPrefixBytes)
    Fail(codes::kInvalidValue, "", "header length runs past the end of the file");
  const int64_t data_size = size - kSafetensorsPrefixBytes - header;
  std::string_view text(reinterpret_cast<const char*>(file.data() + kSafetensorsPrefixBytes),
                        static_cast<size_t>(header));
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    Fail(codes::kParseError, "", "NUL byte at offset " + std::to_string(nul) + " of the header");
  }
  HeaderReader reader(size, kSafetensorsPrefixBytes + header, data_size);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &reader, Json::input_format_t::json,
                                  /*strict=*/true);
  if (reader.error()) throw InputError{*reader.error()};
  if (!ok) Fail(codes::kParseError, "", "header is not valid JSON");
  if (!reader.root_is_object()) Fail(codes::kTypeError, "", "header is not a JSON object");
  std::vector<SafetensorsTensor> out = std::move(reader.tensors());
  // Duplicate tensor names (the reader keeps no index of them while streaming).
  {
    std::vector<const SafetensorsTensor*> by_name;
    for (const auto& t : out) by_name.push_back(&t);
    std::sort(by_name.begin(), by_name.end(), [](auto* a, auto* b) { return a->name < b->name; });
    for (size_t i = 1; i < by_name.size(); ++i) {
      if (by_name[i]->name == by_name[i - 1]->name) {
        Fail(codes::kDuplicateKey, PointerAppend("", by_name[i]->name),
             "key appears more than once");
      }
    }
  }

  // No two tensors may share bytes, and the data section holds nothing else: the format forbids
  // holes and bytes after the last tensor (they would make the file a polyglot). Ties in `begin`
  // (empty tensors) are broken by name so the error named is the same on every standard library.
  std::vector<const SafetensorsTensor*> sorted;
  for (const auto& t : out) sorted.push_back(&t);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->name < b->name;
  });
  int64_t covered =
      kSafetensorsPrefixBytes + header;  // absolute offset where the next tensor must start
  for (size_t i = 0; i < sorted.size(); ++i) {
    const SafetensorsTensor& t = *sorted[i];
    auto path = [&t] { return PointerAppend("", t.name) + "/data_offsets"; };
    if (i > 0 && t.begin < sorted[i - 1]->end) {
      Fail(codes::kInvalidValue, path(), "overlaps tensor \"" + sorted[i - 1]->name + "\"");
    }
    if (t.begin > covered) {
      Fail(codes::kInvalidValue, path(),
           std::to_string(t.begin - covered) +
               " unindexed bytes before this tensor (the format forbids holes)");
    }
    covered = std::max(covered, t.end);
  }
  if (covered < size) {
    Fail(codes::kInvalidValue,
         sorted.empty() ? "" : PointerAppend("", sorted.back()->name) + "/data_offsets",
         std::to_string(size - covered) + " bytes after the last tensor" +
             (sorted.empty() ? std::string() : " \"" + sorted.back()->name + "\"") +
             " (the format forbids trailing bytes)");
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
    header[e.name] = {
        {"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {offset, offset + bytes}}};
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
