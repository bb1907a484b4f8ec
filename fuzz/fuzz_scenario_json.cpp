// Any bytes as a request to every JSON entry point: no crash, leak, UB, hang (-timeout) or
// unbounded memory (-rss_limit_mb), and every answer is a JSON object with "ok" and, on error, a
// non-empty code. Seeds: every preset and scenario (make fuzz).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace {

void Check(const std::string& answer) {
  esti::io::Json j = esti::io::Json::parse(answer, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("ok") || !j["ok"].is_boolean())
    std::abort();
  if (!j["ok"].get<bool>()) {
    const esti::io::Json& e = j["error"];
    if (!e.is_object() || !e["code"].is_string() || e["code"].get<std::string>().empty())
      std::abort();
    if (e["code"] == "internal") std::abort();  // an internal error is a bug, not an answer
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The first byte picks the entry point, so one corpus covers all of them.
  const uint8_t which = size > 0 ? data[0] % 5 : 0;
  switch (which) {
    case 0:
      Check(esti::api::Evaluate(text));
      break;
    case 1:
      Check(esti::api::Search(text));
      break;
    case 2:
      Check(esti::api::Frontier(text));
      break;
    case 3:
      Check(esti::api::DescribeModel(text));
      break;
    default:
      Check(esti::api::MaxContext(text));
      break;
  }
  return 0;
}
