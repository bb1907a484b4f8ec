#include "esti/io/share_link.h"

#include <array>
#include <cstddef>
#include <span>

#include "codec/base64url.h"
#include "esti/codec/inflate.h"

namespace esti::io {
namespace {

// At most this many bytes of a bad part are quoted back in a message.
constexpr std::size_t kQuotedChars = 40;

std::string Quote(std::string_view text) { return std::string(text.substr(0, kQuotedChars)); }

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF; what the
// browser's TextDecoder('utf-8', {fatal: true}) accepts.
bool IsUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<uint8_t>(text[i]);
    std::size_t extra = 0;
    uint32_t lo = 0x80, hi = 0xBF;  // allowed range of the first continuation byte
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto b = static_cast<uint8_t>(text[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    }
    i += extra + 1;
  }
  return true;
}

bool IsViewName(std::string_view v) {
  if (v.empty() || static_cast<int64_t>(v.size()) > kMaxShareLinkViewChars) return false;
  if (v[0] < 'a' || v[0] > 'z') return false;
  for (const char c : v) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsHardwareId(std::string_view id) {
  if (id.empty() || static_cast<int64_t>(id.size()) > kMaxShareLinkHardwareIdChars) return false;
  const auto lower_or_digit = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (!lower_or_digit(id[0])) return false;
  for (const char c : id) {
    if (!(lower_or_digit(c) || c == '-' || c == '.')) return false;
  }
  return true;
}

// "hw": comma-separated preset ids, each well formed and named once.
Result<std::vector<std::string>> DecodeHardwareList(std::string_view text) {
  std::vector<std::string> ids;
  std::string_view rest = text;
  for (;;) {
    const std::size_t comma = rest.find(',');
    const std::string_view id = rest.substr(0, comma);
    if (static_cast<int64_t>(ids.size()) == kMaxShareLinkHardware) {
      return MakeError(
          codes::kTooLarge, "/hw",
          "the link compares more than " + std::to_string(kMaxShareLinkHardware) + " other chips");
    }
    if (!IsHardwareId(id)) {
      return MakeError(codes::kInvalidValue, "/hw",
                       "the link names a malformed chip id \"" + Quote(id) + "\"");
    }
    for (const std::string& seen : ids) {
      if (seen == id) {
        return MakeError(codes::kInvalidValue, "/hw",
                         "the link names the chip \"" + seen + "\" twice");
      }
    }
    ids.emplace_back(id);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return ids;
}

// "s" or "b": base64url, then raw DEFLATE capped at kMaxShareLinkScenarioBytes, then UTF-8 text.
Result<std::string> DecodeScenario(const std::string& part, std::string_view text) {
  const std::string path = "/" + part;
  const std::string what = "the link's \"" + part + "\" part";
  const std::optional<std::vector<uint8_t>> bytes = codec::DecodeBase64Url(text);
  if (!bytes || bytes->empty()) {
    return MakeError(codes::kInvalidValue, path, what + " is not valid base64url");
  }
  codec::InflateResult inflated = codec::InflateRaw(*bytes, kMaxShareLinkScenarioBytes);
  switch (inflated.status) {
    case codec::InflateStatus::kOk:
      break;
    case codec::InflateStatus::kTooLarge:
      return MakeError(codes::kTooLarge, path,
                       what + " expands to more than " +
                           std::to_string(kMaxShareLinkScenarioBytes / 1024) + " KiB");
    case codec::InflateStatus::kCorrupt:
      return MakeError(codes::kInvalidValue, path,
                       what + " is not valid compressed data (" + inflated.reason + ")");
  }
  if (inflated.output.empty()) {
    return MakeError(codes::kInvalidValue, path, what + " is not valid compressed data (no text)");
  }
  if (!IsUtf8(inflated.output)) {
    return MakeError(codes::kInvalidValue, path, what + " is not valid UTF-8 text");
  }
  return std::move(inflated.output);
}

}  // namespace

Result<ShareLink> DecodeShareLink(std::string_view fragment) {
  if (!fragment.empty() && fragment[0] == '#') fragment.remove_prefix(1);
  if (static_cast<int64_t>(fragment.size()) > kMaxShareLinkChars) {
    return MakeError(codes::kTooLarge, "",
                     "the link is " + std::to_string(fragment.size()) +
                         " characters long; links up to " + std::to_string(kMaxShareLinkChars) +
                         " are accepted");
  }
  ShareLink link;
  if (fragment.empty()) return link;

  // The parts, in the order v, s, b, view, hw; each at most once.
  constexpr std::array<std::string_view, 5> kParts = {"v", "s", "b", "view", "hw"};
  std::array<std::optional<std::string_view>, 5> values;
  std::string_view rest = fragment;
  for (;;) {
    const std::size_t amp = rest.find('&');
    const std::string_view part = rest.substr(0, amp);
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return MakeError(codes::kInvalidValue, "",
                       "the link has a malformed part \"" + Quote(part) + "\"");
    }
    const std::string_view key = part.substr(0, eq);
    std::size_t k = 0;
    while (k < kParts.size() && kParts[k] != key) ++k;
    if (k == kParts.size()) {
      return MakeError(codes::kUnknownKey, "",
                       "the link has an unknown part \"" + Quote(key) + "\"");
    }
    if (values[k]) {
      const std::string name(kParts[k]);  // GCC 12 warns (-Wrestrict) on "/" + a temporary
      return MakeError(codes::kDuplicateKey, "/" + name, "the link repeats \"" + name + "\"");
    }
    values[k] = part.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }

  if (!values[0]) return MakeError(codes::kMissingField, "/v", "the link has no version (\"v=\")");
  const std::string_view v = *values[0];
  bool digits = !v.empty() && v.size() <= 9;  // 9 digits cannot overflow an int
  for (const char c : v) digits = digits && c >= '0' && c <= '9';
  const int version = digits ? std::stoi(std::string(v)) : 0;
  if (version < 1) {
    return MakeError(
        codes::kInvalidValue, "/v",
        "the link version \"" + Quote(v.substr(0, 20)) + "\" is not a positive integer");
  }
  if (version > kShareLinkVersion) {
    return MakeError(codes::kUnsupportedVersion, "/v",
                     "the link was made by a newer esti (link version " + std::to_string(version) +
                         "; this engine reads up to " + std::to_string(kShareLinkVersion) + ")");
  }
  if (!values[1]) return MakeError(codes::kMissingField, "/s", "the link has no scenario (\"s=\")");
  Result<std::string> s = DecodeScenario("s", *values[1]);
  if (!s.ok()) return s.error();
  link.scenario = std::move(s).value();
  if (values[2]) {
    Result<std::string> b = DecodeScenario("b", *values[2]);
    if (!b.ok()) return b.error();
    link.second_scenario = std::move(b).value();
  }
  if (values[3]) {
    if (!IsViewName(*values[3])) {
      return MakeError(codes::kInvalidValue, "/view", "the link names a malformed view");
    }
    link.view = std::string(*values[3]);
  }
  if (values[4]) {
    Result<std::vector<std::string>> hw = DecodeHardwareList(*values[4]);
    if (!hw.ok()) return hw.error();
    link.compare_hardware = std::move(hw).value();
  }
  link.empty = false;
  return link;
}

}  // namespace esti::io
