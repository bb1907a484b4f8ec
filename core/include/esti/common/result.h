// Errors as values: every fallible core function returns Result<T>.
// An Error carries a machine-readable code, the JSON pointer of the offending input field and a
// human-readable message. No exception crosses a public core boundary.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace esti {

// Error codes used across the core (lower snake case; they appear verbatim in JSON).
namespace codes {
inline constexpr const char* kParseError = "parse_error";        // not JSON at all
inline constexpr const char* kTooLarge = "too_large";            // input or result over a limit
inline constexpr const char* kTooDeep = "too_deep";              // nesting over the depth limit
inline constexpr const char* kTypeError = "type_error";          // wrong JSON type
inline constexpr const char* kOutOfRange = "out_of_range";       // number outside its range
inline constexpr const char* kMissingField = "missing_field";    // required key absent
inline constexpr const char* kUnknownKey = "unknown_key";        // key not in the schema
inline constexpr const char* kDuplicateKey = "duplicate_key";    // key given twice
inline constexpr const char* kInvalidValue = "invalid_value";    // bad enum or inconsistent value
inline constexpr const char* kUnknownPreset = "unknown_preset";  // preset id not found
inline constexpr const char* kUnsupportedVersion = "unsupported_version";  // schema_version
inline constexpr const char* kInvalidTopology = "invalid_topology";        // torus rules
inline constexpr const char* kInfeasible = "infeasible";                   // nothing fits / no plan
inline constexpr const char* kInternal = "internal";  // a bug: reported, never aborts
}  // namespace codes

struct Error {
  std::string code;
  std::string path;  // JSON pointer, "" for the whole document
  std::string message;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

inline Error MakeError(std::string code, std::string path, std::string message) {
  return Error{std::move(code), std::move(path), std::move(message)};
}

}  // namespace esti
