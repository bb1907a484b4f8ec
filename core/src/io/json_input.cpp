#include "esti/io/json_input.h"

#include <algorithm>
#include <set>
#include <vector>

namespace esti::io {

std::string PointerAppend(const std::string& path, std::string_view token) {
  std::string out = path + "/";
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
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
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > max_depth) max_depth = depth;
      if (max_depth > limit) return max_depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

// Builds the DOM from nlohmann's SAX events while tracking the JSON pointer of the value being
// parsed, to name the first duplicate key. Every event costs O(1) amortised (plus O(log k) for a
// key among k siblings), so parsing is linear in the input. (nlohmann's callback parser, used
// before, rescans the parent container whenever an object ends: `[{},{},...]` cost n^2/2.)
class StrictDomBuilder {
 public:
  explicit StrictDomBuilder(Json& root) : root_(root) {}

  bool null() { return Scalar(Json(nullptr)); }
  bool boolean(bool v) { return Scalar(Json(v)); }
  bool number_integer(Json::number_integer_t v) { return Scalar(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return Scalar(Json(v)); }
  bool number_float(Json::number_float_t v, const Json::string_t& /*text*/) {
    return Scalar(Json(v));
  }
  bool string(Json::string_t& v) { return Scalar(Json(std::move(v))); }
  bool binary(Json::binary_t& v) { return Scalar(Json::binary(std::move(v))); }

  bool start_object(std::size_t /*elements*/) {
    stack_.push_back(Frame{Put(Json::object()), true, -1, "", {}});
    return true;
  }
  bool key(Json::string_t& k) {
    Frame& f = stack_.back();
    f.token = k;
    if (!f.keys.insert(k).second && duplicate_path_.empty()) duplicate_path_ = CurrentPath();
    object_element_ = &(*f.value)[k];
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*elements*/) {
    stack_.push_back(Frame{Put(Json::array()), false, -1, "", {}});
    return true;
  }
  bool end_array() {
    stack_.pop_back();
    return true;
  }
  // nlohmann's own message ("[json.exception.parse_error.101] ...") is never shown: the core
  // words it (DescribeSyntaxError) from where the parser stopped and what it last read.
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) {
    failed_ = true;
    error_position_ = position;
    // Only classified, never shown: the text ran out before the document was complete.
    error_at_end_ = std::string_view(e.what()).find("end of input") != std::string_view::npos;
    return false;
  }
  bool error_at_end() const { return error_at_end_; }

  bool failed() const { return failed_; }
  std::size_t error_position() const { return error_position_; }
  const std::string& duplicate_path() const { return duplicate_path_; }

 private:
  struct Frame {
    Json* value = nullptr;
    bool is_object = false;
    int64_t index = -1;  // arrays: index of the element being parsed
    std::string token;   // objects: the key being parsed
    std::set<std::string> keys;
  };

  bool Scalar(Json&& v) {
    Put(std::move(v));
    return true;
  }

  // Stores `v` where the parser is (root, array element or the value of the last key) and returns
  // where it went. Pointers stay valid while the value is open: nothing is added to its parent
  // before it ends.
  Json* Put(Json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Frame& f = stack_.back();
    if (f.is_object) {
      *object_element_ = std::move(v);
      return object_element_;
    }
    ++f.index;
    f.value->push_back(std::move(v));
    return &f.value->back();
  }

  std::string CurrentPath() const {
    std::string p;
    for (const Frame& f : stack_)
      p = PointerAppend(p, f.is_object ? f.token : std::to_string(f.index));
    return p;
  }

  Json& root_;
  Json* object_element_ = nullptr;
  std::vector<Frame> stack_;
  bool failed_ = false;
  std::size_t error_position_ = 0;
  bool error_at_end_ = false;
  std::string duplicate_path_;
};

}  // namespace

namespace {

// "not valid JSON at line 3, column 7 (after \": tru}\")": where the parser stopped, counted in
// the text itself, and what came just before.
std::string DescribeSyntaxError(std::string_view text, std::size_t position, bool at_end) {
  const std::size_t end = std::min(position, text.size());
  int64_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  // The characters just before the stop, printable ASCII only.
  std::string shown;
  for (std::size_t i = end > 10 ? end - 10 : 0; i < end; ++i)
    shown += (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?';
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return "the input is empty: expected a JSON document";
  std::string where = "line " + std::to_string(line) + ", column " + std::to_string(column);
  if (at_end)
    return "not valid JSON: the text ends early, at " + where +
           " (unclosed object, list or string?)";
  return "not valid JSON at " + where + (shown.empty() ? "" : " (after \"" + shown + "\")");
}

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
  Json parsed;
  StrictDomBuilder builder(parsed);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &builder, Json::input_format_t::json,
                                  /*strict=*/true);
  if (!ok) {
    return MakeError(codes::kParseError, "",
                     DescribeSyntaxError(text, builder.error_position(), builder.error_at_end()));
  }
  if (!builder.duplicate_path().empty()) {
    return MakeError(codes::kDuplicateKey, builder.duplicate_path(), "key appears more than once");
  }
  return parsed;
}

}  // namespace esti::io
