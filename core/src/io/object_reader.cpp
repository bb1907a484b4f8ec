#include "io/object_reader.h"

#include <cmath>

#include "io/quantity.h"

namespace esti::io {

void Fail(std::string code, std::string path, std::string message) {
  throw InputError{MakeError(std::move(code), std::move(path), std::move(message))};
}

namespace {
const char* TypeName(const Json& v) { return v.type_name(); }
}  // namespace

int64_t ToInt(const Json& v, const std::string& path, int64_t min, int64_t max) {
  // Built only on failure: this runs once per number of a large safetensors header.
  auto range = [&] {
    return " (allowed " + std::to_string(min) + ".." + std::to_string(max) + ")";
  };
  if (v.is_number_integer()) {
    if (v.is_number_unsigned()) {
      uint64_t u = v.get<uint64_t>();
      if (u > static_cast<uint64_t>(max) || (min > 0 && u < static_cast<uint64_t>(min))) {
        Fail(codes::kOutOfRange, path, std::to_string(u) + " is out of range" + range());
      }
      return static_cast<int64_t>(u);
    }
    int64_t i = v.get<int64_t>();
    if (i < min || i > max)
      Fail(codes::kOutOfRange, path, std::to_string(i) + " is out of range" + range());
    return i;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    // 1e3 is an integer written in float syntax; 4.7 is not an integer at all.
    if (std::isfinite(d) && d == std::floor(d)) {
      if (d < static_cast<double>(min) || d > static_cast<double>(max)) {
        Fail(codes::kOutOfRange, path, "value is out of range" + range());
      }
      return static_cast<int64_t>(d);
    }
    Fail(codes::kTypeError, path, "expected an integer, got a fractional number");
  }
  Fail(codes::kTypeError, path, std::string("expected an integer, got ") + TypeName(v));
}

double ToNumber(const Json& v, const std::string& path, double min, double max) {
  if (!v.is_number())
    Fail(codes::kTypeError, path, std::string("expected a number, got ") + TypeName(v));
  double d = v.get<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    Fail(codes::kOutOfRange, path,
         "value is out of range (allowed " + Json(min).dump() + ".." + Json(max).dump() + ")");
  }
  return d;
}

ObjectReader::ObjectReader(const Json& j, std::string path) : j_(j), path_(std::move(path)) {
  if (!j.is_object()) {
    Fail(codes::kTypeError, path_, std::string("expected an object, got ") + TypeName(j));
  }
}

bool ObjectReader::Has(const std::string& key) const { return j_.contains(key); }

const Json* ObjectReader::Find(const std::string& key) {
  auto it = j_.find(key);
  if (it == j_.end()) return nullptr;
  read_.insert(key);
  return &*it;
}

const Json& ObjectReader::Required(const std::string& key) {
  const Json* v = Find(key);
  if (v == nullptr) Fail(codes::kMissingField, PathOf(key), "required field is missing");
  return *v;
}

int64_t ObjectReader::Int(const std::string& key, int64_t min, int64_t max) {
  return ToInt(Required(key), PathOf(key), min, max);
}

std::optional<int64_t> ObjectReader::OptInt(const std::string& key, int64_t min, int64_t max) {
  const Json* v = Find(key);
  if (v == nullptr) return std::nullopt;
  return ToInt(*v, PathOf(key), min, max);
}

namespace {

// A number, or for a key that names its unit a quantity string such as "32 GiB" (io/quantity.h).
double ToQuantity(const Json& v, const std::string& key, const std::string& path, double min,
                  double max) {
  const QuantityUnit unit = UnitOfKey(key);
  if (!v.is_string() || unit == QuantityUnit::kNone) return ToNumber(v, path, min, max);
  std::string why;
  const std::optional<double> q = ParseQuantity(v.get<std::string>(), unit, &why);
  if (!q) Fail(codes::kTypeError, path, why);
  return ToNumber(Json(*q), path, min, max);
}

}  // namespace

double ObjectReader::Number(const std::string& key, double min, double max) {
  return ToQuantity(Required(key), key, PathOf(key), min, max);
}

std::optional<double> ObjectReader::OptNumber(const std::string& key, double min, double max) {
  const Json* v = Find(key);
  if (v == nullptr) return std::nullopt;
  return ToQuantity(*v, key, PathOf(key), min, max);
}

bool ObjectReader::Bool(const std::string& key) {
  const Json& v = Required(key);
  if (!v.is_boolean())
    Fail(codes::kTypeError, PathOf(key), std::string("expected true or false, got ") + TypeName(v));
  return v.get<bool>();
}

std::optional<bool> ObjectReader::OptBool(const std::string& key) {
  if (!Has(key)) return std::nullopt;
  return Bool(key);
}

std::string ObjectReader::String(const std::string& key, int64_t max_length) {
  const Json& v = Required(key);
  if (!v.is_string())
    Fail(codes::kTypeError, PathOf(key), std::string("expected a string, got ") + TypeName(v));
  const std::string& s = v.get_ref<const std::string&>();
  if (static_cast<int64_t>(s.size()) > max_length) {
    Fail(codes::kOutOfRange, PathOf(key),
         "string longer than " + std::to_string(max_length) + " bytes");
  }
  return s;
}

std::optional<std::string> ObjectReader::OptString(const std::string& key, int64_t max_length) {
  if (!Has(key)) return std::nullopt;
  return String(key, max_length);
}

void FailNotOneOf(const std::string& path, const std::string& got,
                  const std::vector<std::string_view>& names, bool or_auto) {
  std::string list;
  for (std::string_view n : names) list += (list.empty() ? "\"" : ", \"") + std::string(n) + "\"";
  if (or_auto) list += " or \"auto\"";
  Fail(codes::kInvalidValue, path, "\"" + got + "\" is not one of " + list);
}

std::string ObjectReader::OneOf(const std::string& key,
                                std::initializer_list<const char*> allowed) {
  std::string s = String(key);
  std::vector<std::string_view> names;
  for (const char* a : allowed) {
    if (s == a) return s;
    names.emplace_back(a);
  }
  FailNotOneOf(PathOf(key), s, names);
}

int64_t ObjectReader::SchemaVersion(int64_t current, bool required) {
  std::optional<int64_t> v = required ? std::optional<int64_t>(Int("schema_version", 1, INT32_MAX))
                                      : OptInt("schema_version", 1, INT32_MAX);
  if (v && *v > current) {
    Fail(codes::kUnsupportedVersion, PathOf("schema_version"),
         "schema_version " + std::to_string(*v) + " is newer than this esti understands (" +
             std::to_string(current) + ")");
  }
  return v.value_or(current);
}

void ObjectReader::Finish() const {
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    if (!read_.count(it.key())) {
      Fail(codes::kUnknownKey, PointerAppend(path_, it.key()), "unknown key \"" + it.key() + "\"");
    }
  }
}

}  // namespace esti::io
