// base64url (RFC 4648 section 5) without padding, as share links carry their compressed scenarios.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace esti::codec {

// Decodes `text` (alphabet A-Z a-z 0-9 '-' '_', no '=' padding). nullopt for any other character
// or a length that leaves a single 6-bit group (length % 4 == 1). The unused low bits of the last
// group are ignored, as the browser's atob() ignores them, so every link the page made before the
// decoder moved into the core still opens.
std::optional<std::vector<uint8_t>> DecodeBase64Url(std::string_view text);

}  // namespace esti::codec
