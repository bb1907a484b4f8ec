#include "esti/api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "esti/io/json_input.h"

namespace esti {
namespace {

io::Json Call(const std::string& response) {
  auto j = io::ParseJson(response);
  EXPECT_TRUE(j.ok());
  return j.value();
}

TEST(Api, ListPresetsNamesEveryKind) {
  io::Json j = Call(api::ListPresets());
  ASSERT_TRUE(j["ok"].get<bool>());
  EXPECT_GE(j["models"].size(), 8u);
  // TPU v4 (the paper's chip) and the chips of docs/hardware-sources.md.
  std::vector<std::string> ids;
  for (const auto& h : j["hardware"]) ids.push_back(h["id"].get<std::string>());
  for (const char* id :
       {"tpu-v4", "tpu-v5e", "tpu-v5p", "tpu-v6e", "a100-80gb-sxm", "h100-sxm", "h200", "b200"}) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
  }
  EXPECT_EQ(j["schema_version"], api::kResultSchemaVersion);
}

TEST(Api, DescribeModelByPresetAndInline) {
  io::Json a = Call(api::DescribeModel(R"({"model": "palm-540b"})"));
  ASSERT_TRUE(a["ok"].get<bool>());
  EXPECT_NEAR(a["params"]["total_params"].get<double>() / 1e9, 540.35, 0.005);
  EXPECT_EQ(a["kv_bytes_per_token"].get<double>(), 120832);
  // The inline form of the same model gives the same numbers.
  io::Json inline_req = {{"model", a["model"]}};
  io::Json b = Call(api::DescribeModel(inline_req.dump()));
  EXPECT_EQ(a["params"], b["params"]);
}

TEST(Api, BadRequestsAreErrorValues) {
  struct Case {
    const char* request;
    const char* code;
    const char* path;
  };
  for (const Case& c :
       {Case{"not json", "parse_error", ""}, Case{"[]", "type_error", ""},
        Case{"{}", "missing_field", "/model"}, Case{R"({"model": 7})", "type_error", "/model"},
        Case{R"({"model": "x", "y": 1})", "unknown_preset", "/model"},
        Case{R"({"model": "tiny", "y": 1})", "unknown_key", "/y"}}) {
    io::Json j = Call(api::DescribeModel(c.request));
    ASSERT_FALSE(j["ok"].get<bool>()) << c.request;
    EXPECT_EQ(j["error"]["code"], c.code) << c.request;
    EXPECT_EQ(j["error"]["path"], c.path) << c.request;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  }
  // The module keeps answering valid requests afterwards.
  EXPECT_TRUE(Call(api::DescribeModel(R"({"model": "tiny"})"))["ok"].get<bool>());
}

TEST(Api, GetPresetReturnsTheFile) {
  io::Json j = Call(api::GetPreset(R"({"kind": "models", "id": "palm-62b"})"));
  ASSERT_TRUE(j["ok"].get<bool>());
  EXPECT_EQ(j["preset"]["n_layers"], 64);
  io::Json bad = Call(api::GetPreset(R"({"kind": "gpus", "id": "a100"})"));
  EXPECT_EQ(bad["error"]["path"], "/kind");
}

}  // namespace
}  // namespace esti
