// Any bytes as a share-link fragment through the path the page takes (web/src/link.ts asks the
// worker for api::DecodeLink, then validates the scenario text with the scenario functions): no
// crash, leak, UB, hang or unbounded memory; every answer is a JSON object with "ok" (and, on
// error, a code other than "internal"); a decoded scenario is valid UTF-8 of at most
// io::kMaxShareLinkScenarioBytes and is then evaluated. Seeds: real links made by the browser's
// CompressionStream (fuzz/make_link_seeds.mjs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "esti/api.h"
#include "esti/io/json_input.h"
#include "esti/io/share_link.h"

namespace {

esti::io::Json CheckedAnswer(const std::string& answer) {
  esti::io::Json j = esti::io::Json::parse(answer, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("ok") || !j["ok"].is_boolean())
    std::abort();
  if (!j["ok"].get<bool>()) {
    const esti::io::Json& e = j["error"];
    if (!e.is_object() || !e["code"].is_string() || e["code"].get<std::string>().empty())
      std::abort();
    if (e["code"] == "internal") std::abort();
  }
  return j;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view fragment(reinterpret_cast<const char*>(data), size);
  const esti::io::Json link = CheckedAnswer(esti::api::DecodeLink(fragment));
  if (!link["ok"].get<bool>() || link["empty"].get<bool>()) return 0;
  // Parsing the answer again fails on invalid UTF-8, so a decoded text reaching here is valid.
  const std::string scenario = link["scenario"].get<std::string>();
  if (scenario.empty() ||
      static_cast<int64_t>(scenario.size()) > esti::io::kMaxShareLinkScenarioBytes) {
    std::abort();
  }
  CheckedAnswer(esti::api::Evaluate(scenario));
  return 0;
}
