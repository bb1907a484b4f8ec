// Quantities people type: "32 GiB", "1.2 TB/s", "275 TFLOP/s", "50 ms". A numeric field whose key
// names its unit (…_bytes, …_bytes_per_s, …_flops_per_s, …_s) accepts such a string as well as a
// JSON number; the value is stored in SI base units as always (design: one name per quantity).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace esti::io {

enum class QuantityUnit { kNone, kBytes, kBytesPerS, kFlopsPerS, kSeconds };

// The unit a JSON key names by its suffix (kNone: a plain number).
QuantityUnit UnitOfKey(std::string_view key);

// "32 GiB" -> 34359738368. Decimal prefixes k M G T P (and m u µ n for seconds) scale by powers of
// ten, exactly as the decimal literal would be read; binary ones (KiB MiB GiB TiB PiB) by powers of
// two. A bare number is taken as the base unit. On failure returns nullopt and sets *why to what
// the unit accepts, e.g. "expected a number or bytes such as \"32 GiB\" or \"34.36 GB\"".
std::optional<double> ParseQuantity(std::string_view text, QuantityUnit unit, std::string* why);

}  // namespace esti::io
