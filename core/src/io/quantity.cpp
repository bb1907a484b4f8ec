#include "io/quantity.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace esti::io {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct Prefix {
  std::string_view text;
  int decimal_exponent;  // 10^e
  int binary_exponent;   // 2^e (when decimal_exponent is 0 and this is not)
};

// Longest first, so "Gi" is tried before "G".
constexpr std::array<Prefix, 14> kPrefixes = {{{"Ki", 0, 10},
                                               {"Mi", 0, 20},
                                               {"Gi", 0, 30},
                                               {"Ti", 0, 40},
                                               {"Pi", 0, 50},
                                               {"k", 3, 0},
                                               {"K", 3, 0},
                                               {"M", 6, 0},
                                               {"G", 9, 0},
                                               {"T", 12, 0},
                                               {"P", 15, 0},
                                               {"m", -3, 0},
                                               {"u", -6, 0},
                                               {"n", -9, 0}}};

// The unit spellings of each quantity, after the prefix.
bool UnitMatches(QuantityUnit unit, std::string_view u) {
  switch (unit) {
    case QuantityUnit::kBytes:
      return u == "B" || u == "bytes" || u == "byte";
    case QuantityUnit::kBytesPerS:
      return u == "B/s" || u == "Bps";
    case QuantityUnit::kFlopsPerS:
      return u == "FLOP/s" || u == "FLOPS" || u == "FLOP/S" || u == "flop/s" || u == "OP/s" ||
             u == "OPS";
    case QuantityUnit::kSeconds:
      return u == "s" || u == "sec";
    case QuantityUnit::kNone:
      return false;
  }
  return false;
}

const char* Example(QuantityUnit unit) {
  switch (unit) {
    case QuantityUnit::kBytes:
      return "bytes such as \"32 GiB\" or \"34.36 GB\"";
    case QuantityUnit::kBytesPerS:
      return "a bandwidth such as \"1.2 TB/s\" or \"45 GB/s\"";
    case QuantityUnit::kFlopsPerS:
      return "a rate such as \"275 TFLOP/s\"";
    case QuantityUnit::kSeconds:
      return "a time such as \"50 ms\", \"1.5 s\" or \"20 us\"";
    case QuantityUnit::kNone:
      return "a number";
  }
  return "a number";
}

}  // namespace

QuantityUnit UnitOfKey(std::string_view key) {
  if (EndsWith(key, "_bytes_per_s")) return QuantityUnit::kBytesPerS;
  if (EndsWith(key, "_flops_per_s") || key.rfind("peak_flops_per_s", 0) == 0) {
    return QuantityUnit::kFlopsPerS;
  }
  if (EndsWith(key, "_bytes")) return QuantityUnit::kBytes;
  if (EndsWith(key, "_s")) return QuantityUnit::kSeconds;
  return QuantityUnit::kNone;
}

std::optional<double> ParseQuantity(std::string_view text, QuantityUnit unit, std::string* why) {
  *why = std::string("expected a number or ") + Example(unit);
  if (unit == QuantityUnit::kNone || text.size() > 64) return std::nullopt;
  // The number: digits, one point, an optional exponent (no sign: quantities are not negative).
  size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  const size_t start = i;
  bool digits = false;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    digits = digits || text[i] != '.';
    ++i;
  }
  if (!digits) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E') && i + 1 < text.size() &&
      (std::isdigit(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '-' ||
       text[i + 1] == '+')) {
    ++i;
    if (text[i] == '-' || text[i] == '+') ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  }
  std::string number(text.substr(start, i - start));
  while (i < text.size() && text[i] == ' ') ++i;
  std::string_view rest = text.substr(i);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  int decimal = 0, binary = 0;
  if (!rest.empty() && !UnitMatches(unit, rest)) {
    bool found = false;
    for (const Prefix& p : kPrefixes) {
      if (rest.rfind(p.text, 0) == 0 && UnitMatches(unit, rest.substr(p.text.size()))) {
        // Sub-unit prefixes only for seconds; binary ones only for bytes.
        if (p.decimal_exponent < 0 && unit != QuantityUnit::kSeconds) continue;
        if (p.binary_exponent > 0 && unit != QuantityUnit::kBytes &&
            unit != QuantityUnit::kBytesPerS) {
          continue;
        }
        decimal = p.decimal_exponent;
        binary = p.binary_exponent;
        found = true;
        break;
      }
    }
    // "µs" (UTF-8 micro sign) for seconds.
    if (!found && unit == QuantityUnit::kSeconds && rest == "\xC2\xB5s") {
      decimal = -6;
      found = true;
    }
    if (!found) return std::nullopt;
  }
  // Read mantissa x 10^decimal as one decimal literal: correctly rounded, the same in both builds.
  if (decimal != 0) {
    // Fold the prefix into the literal's exponent ("1.2e3" with prefix T -> 1.2e3 x 10^12).
    const size_t e = number.find_first_of("eE");
    long exp10 = decimal;
    if (e != std::string::npos) {
      exp10 += std::strtol(number.c_str() + e + 1, nullptr, 10);
      number.resize(e);
    }
    number += "e" + std::to_string(exp10);
  }
  char* end = nullptr;
  double v = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(v)) return std::nullopt;
  if (binary != 0) v = std::ldexp(v, binary);  // exact scaling by 2^binary
  return v;
}

}  // namespace esti::io
