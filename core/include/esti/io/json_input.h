// Untrusted JSON text -> nlohmann::json, with limits checked before any recursive work.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "esti/common/result.h"

namespace esti::io {

using Json = nlohmann::json;

struct ParseLimits {
  int64_t max_bytes = 1 << 20;  // 1 MiB: a scenario or model is < 10 KiB; safetensors headers less
  int64_t max_depth = 32;       // deepest legitimate document is 4 levels
};

// Parses `text` into a JSON value. Rejects, with a coded error: over-size input (too_large),
// nesting deeper than max_depth (too_deep, checked by a linear scan before parsing, because
// copying or dumping deep nlohmann values recurses), invalid JSON or UTF-8 (parse_error) and
// duplicate object keys (duplicate_key, with the JSON pointer of the duplicate).
Result<Json> ParseJson(std::string_view text, const ParseLimits& limits = {});

// Appends an RFC 6901-escaped token to a JSON pointer.
std::string PointerAppend(const std::string& path, std::string_view token);

}  // namespace esti::io
