#include "esti/io/json_input.h"

#include <set>
#include <vector>

namespace esti::io {

std::string PointerAppend(const std::string& path, std::string_view token) {
  std::string out = path + "/";
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

namespace {

// Maximum bracket depth outside string literals; stops early once over `limit`.
int64_t NestingDepth(std::string_view text, int64_t limit) {
  int64_t depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > max_depth) max_depth = depth;
      if (max_depth > limit) return max_depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

// Tracks the JSON pointer of the value being parsed, to name duplicate keys.
struct Frame {
  bool is_object = false;
  int64_t next_index = 0;
  std::string token;
  std::set<std::string> keys;
};

}  // namespace

Result<Json> ParseJson(std::string_view text, const ParseLimits& limits) {
  if (static_cast<int64_t>(text.size()) > limits.max_bytes) {
    return MakeError(codes::kTooLarge, "",
                     "input is " + std::to_string(text.size()) + " bytes; the limit is " +
                         std::to_string(limits.max_bytes));
  }
  // nlohmann stops at a NUL byte and accepts what came before it; a NUL is never valid JSON text.
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return MakeError(codes::kParseError, "", "NUL byte at offset " + std::to_string(nul));
  }
  if (NestingDepth(text, limits.max_depth) > limits.max_depth) {
    return MakeError(codes::kTooDeep, "",
                     "input nests deeper than " + std::to_string(limits.max_depth) + " levels");
  }
  std::vector<Frame> stack;
  std::string duplicate_path;
  auto current_path = [&stack]() {
    std::string p;
    for (const Frame& f : stack) p = PointerAppend(p, f.token);
    return p;
  };
  // Called once per value in an array before it starts; names it by its index.
  auto enter_element = [&stack]() {
    if (!stack.empty() && !stack.back().is_object) {
      stack.back().token = std::to_string(stack.back().next_index++);
    }
  };
  Json::parser_callback_t cb = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        enter_element();
        stack.push_back(Frame{event == Json::parse_event_t::object_start, 0, "", {}});
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if (!stack.empty()) stack.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!stack.empty() && parsed.is_string()) {
          const std::string& k = parsed.get_ref<const std::string&>();
          stack.back().token = k;
          if (!stack.back().keys.insert(k).second && duplicate_path.empty()) {
            duplicate_path = current_path();
          }
        }
        break;
      case Json::parse_event_t::value:
        enter_element();
        break;
    }
    return true;
  };
  Json parsed = Json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    // Re-run without callback only to obtain nlohmann's position message; exceptions are caught
    // here and never leave io.
    try {
      Json unused = Json::parse(text.begin(), text.end());
    } catch (const Json::exception& e) {
      return MakeError(codes::kParseError, "", e.what());
    }
    return MakeError(codes::kParseError, "", "input is not valid JSON");
  }
  if (!duplicate_path.empty()) {
    return MakeError(codes::kDuplicateKey, duplicate_path, "key appears more than once");
  }
  return parsed;
}

}  // namespace esti::io
