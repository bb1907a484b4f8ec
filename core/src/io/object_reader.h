// Strict, typed reading of one JSON object: every key must be read or it is an error; every number
// is type- and range-checked before conversion (nlohmann's get<int>() silently maps 4.7 to 4 and
// 1e20 to INT_MIN).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "esti/common/enum_table.h"
#include "esti/common/result.h"
#include "esti/io/json_input.h"

namespace esti::io {

// Thrown only inside io and caught at io's public functions (see Guard()).
struct InputError {
  Error error;
};

[[noreturn]] void Fail(std::string code, std::string path, std::string message);

class ObjectReader {
 public:
  // Fails with type_error when `j` is not an object.
  ObjectReader(const Json& j, std::string path);

  bool Has(const std::string& key) const;
  const Json* Find(const std::string& key);  // marks the key as read
  std::string PathOf(const std::string& key) const { return PointerAppend(path_, key); }
  const std::string& path() const { return path_; }

  int64_t Int(const std::string& key, int64_t min, int64_t max);
  std::optional<int64_t> OptInt(const std::string& key, int64_t min, int64_t max);
  double Number(const std::string& key, double min, double max);
  std::optional<double> OptNumber(const std::string& key, double min, double max);
  bool Bool(const std::string& key);
  std::optional<bool> OptBool(const std::string& key);
  std::string String(const std::string& key, int64_t max_length = 256);
  std::optional<std::string> OptString(const std::string& key, int64_t max_length = 256);
  // One of `allowed` (a request's own options, such as "local"|"mpi"); returns it.
  std::string OneOf(const std::string& key, std::initializer_list<const char*> allowed);
  // A value of an enum with a table (common/enum_table.h), by its name.
  template <class E>
  E Enum(const std::string& key);
  template <class E>
  std::optional<E> OptEnum(const std::string& key);
  const Json& Required(const std::string& key);
  void Ignore(const std::string& key) { read_.insert(key); }

  // Reads `schema_version` (optional when !required) and fails on newer versions.
  int64_t SchemaVersion(int64_t current, bool required);

  // Fails with unknown_key on the first key never read.
  void Finish() const;

 private:
  const Json& j_;
  std::string path_;
  std::set<std::string> read_;
};

// Fails with invalid_value: `got` is not one of `names` (plus "auto" when `or_auto`).
[[noreturn]] void FailNotOneOf(const std::string& path, const std::string& got,
                               const std::vector<std::string_view>& names, bool or_auto = false);

// A JSON string naming a value of an enum with a table, or fails naming `path`.
template <class E>
E EnumValue(const Json& v, const std::string& path, bool or_auto = false) {
  if (!v.is_string())
    Fail(codes::kTypeError, path, std::string("expected a string, got ") + v.type_name());
  const std::string& s = v.get_ref<const std::string&>();
  if (std::optional<E> e = FromName<E>(s)) return *e;
  std::vector<std::string_view> names;
  for (const EnumEntry<E>& e : EnumTable(E{})) names.push_back(e.name);
  FailNotOneOf(path, s, names, or_auto);
}

template <class E>
E ObjectReader::Enum(const std::string& key) {
  return EnumValue<E>(Required(key), PathOf(key));
}

template <class E>
std::optional<E> ObjectReader::OptEnum(const std::string& key) {
  const Json* v = Find(key);
  if (v == nullptr) return std::nullopt;
  return EnumValue<E>(*v, PathOf(key));
}

// Converts a JSON number to an integer in [min, max], or fails naming `path`.
int64_t ToInt(const Json& v, const std::string& path, int64_t min, int64_t max);
double ToNumber(const Json& v, const std::string& path, double min, double max);

// Runs `f`, turning an InputError (or any other exception, as `internal`) into an Error value.
template <class T, class F>
Result<T> Guard(F&& f) {
  try {
    return Result<T>(f());
  } catch (const InputError& e) {
    return e.error;
  } catch (const std::exception& e) {
    return MakeError(codes::kInternal, "", e.what());
  }
}

}  // namespace esti::io
