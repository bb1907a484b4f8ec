#include "io/presets.h"

#include <gtest/gtest.h>

#include "esti/api.h"
#include "io/object_reader.h"
#include "io/spec_io.h"

namespace esti::io {
namespace {

TEST(Presets, AllExpectedPresetsAreEmbedded) {
  for (const char* id :
       {"palm-8b", "palm-62b", "palm-540b", "palm-540b-padded", "palm-540b-multihead",
        "palm-540b-serial", "mt-nlg-530b", "tiny", "llama-3.1-8b", "llama-3.1-70b",
        "llama-3.1-405b", "mistral-7b-v0.3", "qwen2.5-72b", "gemma-2-27b"}) {
    EXPECT_NE(FindPreset("models", id), nullptr) << id;
  }
  EXPECT_NE(FindPreset("hardware", "tpu-v4"), nullptr);
}

// Every preset: valid JSON, schema_version, id equal to its file name, a source citation, and it
// loads through the strict reader for its kind.
TEST(Presets, EveryPresetLoadsStrictly) {
  for (const PresetText& p : BuiltinPresets()) {
    SCOPED_TRACE(std::string(p.kind) + "/" + std::string(p.id));
    Result<Json> j = ParseJson(p.json);
    ASSERT_TRUE(j.ok()) << j.error().message;
    EXPECT_EQ(j->value("schema_version", 0), 1);
    EXPECT_EQ(j->value("id", std::string()), p.id);
    EXPECT_TRUE(j->contains("source"));
    if (p.kind == "models") {
      auto m = ParseModel(j.value(), "");
      EXPECT_TRUE(m.ok()) << m.error().path << ": " << m.error().message;
    } else if (p.kind == "hardware") {
      auto h = ParseHardware(j.value(), "");
      EXPECT_TRUE(h.ok()) << h.error().path << ": " << h.error().message;
    }
  }
}

struct BadModel {
  const char* patch;  // merged over palm-8b's JSON
  const char* code;
  const char* path;
};

void PrintTo(const BadModel& b, std::ostream* os) { *os << b.patch; }

class MalformedModel : public ::testing::TestWithParam<BadModel> {};

TEST_P(MalformedModel, GivesCodeAndPath) {
  Json base = ParseJson(FindPreset("models", "palm-8b")->json).value();
  base.merge_patch(Json::parse(GetParam().patch));
  auto m = ParseModel(base, "/model");
  ASSERT_FALSE(m.ok()) << GetParam().patch;
  EXPECT_EQ(m.error().code, GetParam().code);
  EXPECT_EQ(m.error().path, GetParam().path);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedModel,
    ::testing::Values(
        BadModel{R"({"n_layers": 0})", codes::kOutOfRange, "/model/n_layers"},
        BadModel{R"({"n_layers": -3})", codes::kOutOfRange, "/model/n_layers"},
        BadModel{R"({"d_model": 4.5})", codes::kTypeError, "/model/d_model"},
        BadModel{R"({"d_ff": "big"})", codes::kTypeError, "/model/d_ff"},
        BadModel{R"({"n_heads": null})", codes::kMissingField, "/model/n_heads"},
        BadModel{R"({"n_kv_heads": 3})", codes::kInvalidValue, "/model/n_kv_heads"},
        BadModel{R"({"ffn_type": "relu"})", codes::kInvalidValue, "/model/ffn_type"},
        BadModel{R"({"vocab_size": 1e30})", codes::kOutOfRange, "/model/vocab_size"},
        BadModel{R"({"extra": 1})", codes::kUnknownKey, "/model/extra"},
        BadModel{R"({"schema_version": 2})", codes::kUnsupportedVersion, "/model/schema_version"},
        BadModel{R"({"shared_embedding": 1})", codes::kTypeError, "/model/shared_embedding"}));

TEST(Presets, UnknownPresetIdIsNamed) {
  auto m = ParseModel(Json("palm-9000b"), "/model");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, codes::kUnknownPreset);
  EXPECT_EQ(m.error().path, "/model");
  EXPECT_NE(m.error().message.find("palm-8b"), std::string::npos);  // lists the known ones
}

}  // namespace
}  // namespace esti::io

namespace esti::io {
namespace {

// Every scenario preset is a scenario the evaluate api accepts as it is.
TEST(Presets, EveryScenarioPresetEvaluates) {
  int n = 0;
  for (const PresetText& p : BuiltinPresets()) {
    if (p.kind != "scenarios") continue;
    ++n;
    Json r = Json::parse(api::Evaluate(std::string(p.json)));
    EXPECT_TRUE(r["ok"].get<bool>()) << p.id << ": " << r.dump();
  }
  EXPECT_GE(n, 4);
}

}  // namespace
}  // namespace esti::io
