// TPU v4 answers pinned before interconnects became data (issue 13 item 1): every evaluate, search
// and frontier request in tests/fixtures/golden/tpu-v4.jsonl must give exactly (every number, bit
// for bit, every string, every list in the same order) the answer main's binary gave. Fields added
// to the answers since (the "formats" block, docs/formats.md) are allowed; nothing pinned may
// change or disappear. Searches and frontiers of grouped-query models (Llama) are pinned over the
// paper's two attention shardings, the space they were generated in; the GQA hybrid added since is
// tested in tests/cost/gqa_attention_test.cpp. Regenerate only for an intended change of TPU v4
// results: tests/fixtures/golden/make_tpu_v4_golden.py.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

// Every value of `pinned` is in `got`, equal (doubles compared with ==), at the same place; objects
// in `got` may have more keys. Returns the JSON pointer of the first difference, or "".
std::string FirstDifference(const io::Json& pinned, const io::Json& got, const std::string& at) {
  if (pinned.is_object()) {
    if (!got.is_object()) return at;
    for (auto it = pinned.begin(); it != pinned.end(); ++it) {
      if (!got.contains(it.key())) return at + "/" + it.key();
      std::string d = FirstDifference(it.value(), got[it.key()], at + "/" + it.key());
      if (!d.empty()) return d;
    }
    return "";
  }
  if (pinned.is_array()) {
    if (!got.is_array() || got.size() != pinned.size()) return at;
    for (size_t i = 0; i < pinned.size(); ++i) {
      std::string d = FirstDifference(pinned[i], got[i], at + "/" + std::to_string(i));
      if (!d.empty()) return d;
    }
    return "";
  }
  return pinned == got ? "" : at;
}

TEST(TpuV4Golden, AnswersAreUnchanged) {
  std::ifstream in(std::string(ESTI_SOURCE_DIR) + "/tests/fixtures/golden/tpu-v4.jsonl");
  ASSERT_TRUE(in.good());
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    const io::Json record = io::Json::parse(line);
    const std::string api = record.at("api").get<std::string>();
    const std::string request = record.at("request").dump();
    std::string answer;
    if (api == "evaluate") answer = api::Evaluate(request);
    if (api == "search") answer = api::Search(request);
    if (api == "frontier") answer = api::Frontier(request);
    ASSERT_FALSE(answer.empty()) << api;
    io::Json got = io::Json::parse(answer);
    ASSERT_TRUE(got.at("ok").get<bool>()) << request << "\n" << answer.substr(0, 400);
    // nlohmann compares numbers as doubles with ==: exact, not within a tolerance.
    EXPECT_EQ(FirstDifference(record.at("response"), got, ""), "") << api << " " << request;
    ++checked;
  }
  EXPECT_EQ(checked, 115);
}

}  // namespace
}  // namespace esti
