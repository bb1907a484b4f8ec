// The page's share links: `#v=1&s=<scenario>[&b=<second scenario>][&view=<tab>][&hw=<ids>]`, where
// each scenario is base64url(raw DEFLATE(scenario JSON text)) (web/src/link.ts encodes them).
// Decoding lives here, in the core, so the page, the CLI, the tests and the fuzzer share one
// decoder for this untrusted input. The scenario texts are returned as text: whoever uses them
// validates them as scenarios (api::Evaluate and friends), never this module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "esti/common/result.h"

namespace esti::io {

// The link format version this engine writes and reads; a larger one is unsupported_version.
inline constexpr int kShareLinkVersion = 1;
// Longest fragment accepted (without its leading '#'), checked before anything is decoded: about
// 12 KiB of compressed data, far more than any scenario the page makes (~100-300 characters).
inline constexpr int64_t kMaxShareLinkChars = int64_t{16} * 1024;
// Largest scenario text a link may inflate to, enforced while inflating (a decompression bomb is
// stopped at this size, never after).
inline constexpr int64_t kMaxShareLinkScenarioBytes = int64_t{64} * 1024;
// A view name: [a-z][a-z0-9-]{0,31}. Which views exist is the page's business.
inline constexpr int64_t kMaxShareLinkViewChars = 32;
// "hw": the chips the Frontiers view compares the scenario's chip with, preset ids separated by
// commas. At most this many (a frontier comparison takes at most 8 chips, the scenario's own
// included: core/src/api/compare_api.h), each [a-z0-9][a-z0-9.-]{0,63}. Which ids exist is the
// core's preset list, checked when the frontier is asked for, not here.
inline constexpr int64_t kMaxShareLinkHardware = 7;
inline constexpr int64_t kMaxShareLinkHardwareIdChars = 64;

struct ShareLink {
  bool empty = true;                           // "" or "#": no link, the page shows its defaults
  std::string scenario;                        // "s": UTF-8 text, <= kMaxShareLinkScenarioBytes
  std::optional<std::string> second_scenario;  // "b": the pinned configuration to compare with
  std::optional<std::string> view;             // "view"
  std::vector<std::string> compare_hardware;   // "hw": preset ids, in the link's order
};

// Decodes a fragment (with or without its leading '#'; parts are not percent-decoded). Errors
// name the part by JSON pointer ("/v", "/s", "/b", "/view", "/hw"; "" for the whole link):
// too_large (fragment over kMaxShareLinkChars, a scenario inflating past
// kMaxShareLinkScenarioBytes, more than kMaxShareLinkHardware ids), unsupported_version
// (v > kShareLinkVersion), missing_field (no v or s), unknown_key, duplicate_key, invalid_value
// (malformed part or version, bad base64url, corrupt DEFLATE data, empty or non-UTF-8 text,
// malformed view, malformed or repeated hardware id).
Result<ShareLink> DecodeShareLink(std::string_view fragment);

}  // namespace esti::io
