// esti model --from-hf: Hugging Face config.json files (tests/fixtures/hf, written by hand from the
// published files named in each preset's "source") map to esti's model; MoE and malformed configs
// give coded errors naming the field. Everything goes through api::ModelFromHf.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

io::Json Fixture(const std::string& name) {
  std::ifstream in(std::string(ESTI_SOURCE_DIR) + "/tests/fixtures/hf/" + name + ".json");
  EXPECT_TRUE(in.good()) << name;
  std::stringstream s;
  s << in.rdbuf();
  return io::Json::parse(s.str());
}

io::Json Convert(const io::Json& config) {
  return io::Json::parse(api::ModelFromHf(io::Json{{"config", config}}.dump()));
}

io::Json Preset(const std::string& id) {
  io::Json j = io::Json::parse(api::GetPreset(io::Json{{"kind", "models"}, {"id", id}}.dump()));
  EXPECT_TRUE(j["ok"].get<bool>()) << id;
  return j["preset"];
}

const io::Json* FindUnmapped(const io::Json& response, const std::string& field) {
  for (const io::Json& u : response["unmapped"]) {
    if (u["field"] == field) return &u;
  }
  return nullptr;
}

constexpr const char* kShapeFields[] = {"n_layers",   "d_model",         "d_ff",       "n_heads",
                                        "n_kv_heads", "d_head",          "vocab_size", "ffn_type",
                                        "block_type", "shared_embedding"};

struct FixtureCase {
  const char* fixture;
  const char* preset;
};

void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.fixture; }

class HfFixtureMapsToPreset : public ::testing::TestWithParam<FixtureCase> {};

// The published config of each preset's model converts to exactly the preset's shapes and
// parameter count, and every field of the published file is known (none "unknown").
TEST_P(HfFixtureMapsToPreset, SameShapesAndCount) {
  io::Json r = Convert(Fixture(GetParam().fixture));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  io::Json preset = Preset(GetParam().preset);
  for (const char* k : kShapeFields) EXPECT_EQ(r["model"][k], preset[k]) << k;

  io::Json described =
      io::Json::parse(api::DescribeModel(io::Json{{"model", GetParam().preset}}.dump()));
  ASSERT_TRUE(described["ok"].get<bool>());
  EXPECT_EQ(r["params"]["total_params"], described["params"]["total_params"]);
  for (const io::Json& u : r["unmapped"]) EXPECT_NE(u["effect"], "unknown") << u.dump();
}

INSTANTIATE_TEST_SUITE_P(Published, HfFixtureMapsToPreset,
                         ::testing::Values(FixtureCase{"llama-3.1-8b", "llama-3.1-8b"},
                                           FixtureCase{"llama-3.1-70b", "llama-3.1-70b"},
                                           FixtureCase{"llama-3.1-405b", "llama-3.1-405b"},
                                           FixtureCase{"mistral-7b-v0.3", "mistral-7b-v0.3"},
                                           FixtureCase{"qwen2.5-72b", "qwen2.5-72b"},
                                           FixtureCase{"gemma-2-27b", "gemma-2-27b"}));

// The converted model is a model: it loads through the strict reader wherever one is accepted.
TEST(HfConfig, ConvertedModelLoadsAsAModel) {
  for (const char* f : {"llama-3.1-8b", "mistral-7b-v0.1", "qwen2.5-72b", "gemma-2-27b"}) {
    io::Json r = Convert(Fixture(f));
    ASSERT_TRUE(r["ok"].get<bool>()) << f;
    io::Json d = io::Json::parse(api::DescribeModel(io::Json{{"model", r["model"]}}.dump()));
    ASSERT_TRUE(d["ok"].get<bool>()) << f << ": " << d.dump();
    EXPECT_EQ(d["params"]["total_params"], r["params"]["total_params"]) << f;
  }
}

TEST(HfConfig, ArchitectureAndIdComeFromTheFile) {
  io::Json config = Fixture("qwen2.5-72b");
  config["_name_or_path"] = "Qwen/Qwen2.5-72B";
  io::Json r = Convert(config);
  ASSERT_TRUE(r["ok"].get<bool>());
  EXPECT_EQ(r["architecture"], "qwen2");
  EXPECT_EQ(r["model"]["id"], "qwen2.5-72b");
  EXPECT_EQ(r["model"]["name"], "Qwen2.5-72B");
  // An explicit id and name win.
  io::Json named = io::Json::parse(api::ModelFromHf(
      io::Json{{"config", config}, {"id", "my-qwen"}, {"name", "My Qwen"}}.dump()));
  ASSERT_TRUE(named["ok"].get<bool>());
  EXPECT_EQ(named["model"]["id"], "my-qwen");
  EXPECT_EQ(named["model"]["name"], "My Qwen");
}

// Mistral v0.1: same shapes as v0.3 but its 4096-token sliding window, which esti costs as full
// attention: named as unmapped, "approximated".
TEST(HfConfig, MistralV01SlidingWindowIsNamed) {
  io::Json config = Fixture("mistral-7b-v0.1");
  io::Json r = Convert(config);
  ASSERT_TRUE(r["ok"].get<bool>());
  io::Json v03 = Preset("mistral-7b-v0.3");
  for (const char* k : kShapeFields) {
    if (std::string(k) == "vocab_size") continue;
    EXPECT_EQ(r["model"][k], v03[k]) << k;
  }
  EXPECT_EQ(r["model"]["vocab_size"], config["vocab_size"]);
  const io::Json* w = FindUnmapped(r, "sliding_window");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ((*w)["effect"], "approximated");
  EXPECT_EQ((*w)["value"], config["sliding_window"]);
  // v0.3 has sliding_window null: nothing to name.
  EXPECT_EQ(FindUnmapped(Convert(Fixture("mistral-7b-v0.3")), "sliding_window"), nullptr);
}

// Gemma 2: head_dim differs from hidden_size / heads (carried exactly), and the alternating
// local window, the soft-capping and the score scale are named.
TEST(HfConfig, Gemma2FieldsTheSchemaCannotHoldAreNamed) {
  io::Json config = Fixture("gemma-2-27b");
  io::Json r = Convert(config);
  ASSERT_TRUE(r["ok"].get<bool>());
  EXPECT_EQ(r["model"]["d_head"], config["head_dim"]);
  EXPECT_NE(r["model"]["d_head"].get<int64_t>() * r["model"]["n_heads"].get<int64_t>(),
            r["model"]["d_model"].get<int64_t>());
  EXPECT_TRUE(r["model"]["shared_embedding"].get<bool>());
  struct Expect {
    const char* field;
    const char* effect;
  };
  for (Expect e :
       {Expect{"sliding_window", "approximated"}, Expect{"attn_logit_softcapping", "negligible"},
        Expect{"final_logit_softcapping", "negligible"}, Expect{"query_pre_attn_scalar", "none"}}) {
    const io::Json* u = FindUnmapped(r, e.field);
    ASSERT_NE(u, nullptr) << e.field;
    EXPECT_EQ((*u)["effect"], e.effect) << e.field;
    EXPECT_EQ((*u)["value"], config[e.field]) << e.field;
  }
  bool head_dim_note = false;
  for (const io::Json& n : r["notes"]) {
    head_dim_note |= n.get<std::string>().find("head_dim") != std::string::npos;
  }
  EXPECT_TRUE(head_dim_note);
}

TEST(HfConfig, QwenBiasesAndDisabledWindowAreNamed) {
  io::Json r = Convert(Fixture("qwen2.5-72b"));
  ASSERT_TRUE(r["ok"].get<bool>());
  const io::Json* w = FindUnmapped(r, "sliding_window");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ((*w)["effect"], "none");  // use_sliding_window is false
  bool bias_note = false;
  for (const io::Json& n : r["notes"]) {
    bias_note |= n.get<std::string>().find("biases") != std::string::npos;
  }
  EXPECT_TRUE(bias_note);
  // Switched on, the window becomes an approximation.
  io::Json on = Fixture("qwen2.5-72b");
  on["use_sliding_window"] = true;
  io::Json r_on = Convert(on);
  ASSERT_TRUE(r_on["ok"].get<bool>());
  EXPECT_EQ((*FindUnmapped(r_on, "sliding_window"))["effect"], "approximated");
}

TEST(HfConfig, RopeScalingAndUnknownFieldsAreNamed) {
  io::Json config = Fixture("llama-3.1-8b");
  config["some_future_field"] = {{"x", 1}};
  io::Json r = Convert(config);
  ASSERT_TRUE(r["ok"].get<bool>());
  const io::Json* rope = FindUnmapped(r, "rope_scaling");
  ASSERT_NE(rope, nullptr);
  EXPECT_EQ((*rope)["value"], config["rope_scaling"]);
  const io::Json* unknown = FindUnmapped(r, "some_future_field");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ((*unknown)["effect"], "unknown");
  // Metadata is listed as ignored, not unmapped.
  EXPECT_EQ(FindUnmapped(r, "bos_token_id"), nullptr);
  EXPECT_NE(std::find(r["ignored"].begin(), r["ignored"].end(), "bos_token_id"),
            r["ignored"].end());
}

// Every key of every published fixture is accounted for exactly once: mapped (not listed),
// unmapped or ignored; the lists name only keys of the file.
TEST(HfConfig, ListsNameOnlyFieldsOfTheFile) {
  for (const char* f : {"llama-3.1-8b", "mistral-7b-v0.1", "qwen2.5-72b", "gemma-2-27b"}) {
    io::Json config = Fixture(f);
    io::Json r = Convert(config);
    ASSERT_TRUE(r["ok"].get<bool>()) << f;
    std::set<std::string> seen;
    for (const io::Json& u : r["unmapped"]) {
      std::string k = u["field"].get<std::string>();
      EXPECT_TRUE(config.contains(k)) << f << ": " << k;
      EXPECT_TRUE(seen.insert(k).second) << f << ": listed twice: " << k;
    }
    for (const io::Json& i : r["ignored"]) {
      std::string k = i.get<std::string>();
      EXPECT_TRUE(config.contains(k)) << f << ": " << k;
      EXPECT_TRUE(seen.insert(k).second) << f << ": listed twice: " << k;
    }
  }
}

struct Rejected {
  const char* name;
  const char* fixture;  // base file
  const char* patch;    // merged over it (null deletes a key)
  const char* code;
  const char* path;
};

void PrintTo(const Rejected& c, std::ostream* os) { *os << c.name; }

class HfConfigRejected : public ::testing::TestWithParam<Rejected> {};

TEST_P(HfConfigRejected, GivesCodeAndPath) {
  io::Json config = Fixture(GetParam().fixture);
  config.merge_patch(io::Json::parse(GetParam().patch));
  io::Json r = Convert(config);
  ASSERT_FALSE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["error"]["code"], GetParam().code) << r.dump();
  EXPECT_EQ(r["error"]["path"], GetParam().path) << r.dump();
  EXPECT_FALSE(r["error"]["message"].get<std::string>().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HfConfigRejected,
    ::testing::Values(
        Rejected{"StringNumber", "llama-3.1-8b", R"({"hidden_size": "4096"})", "type_error",
                 "/config/hidden_size"},
        Rejected{"Fractional", "llama-3.1-8b", R"({"intermediate_size": 14336.5})", "type_error",
                 "/config/intermediate_size"},
        Rejected{"ZeroLayers", "llama-3.1-8b", R"({"num_hidden_layers": 0})", "out_of_range",
                 "/config/num_hidden_layers"},
        Rejected{"HugeVocab", "llama-3.1-8b", R"({"vocab_size": 1e12})", "out_of_range",
                 "/config/vocab_size"},
        Rejected{"MissingFfn", "llama-3.1-8b", R"({"intermediate_size": null})", "missing_field",
                 "/config/intermediate_size"},
        Rejected{"KvNotDividing", "llama-3.1-8b", R"({"num_key_value_heads": 5})", "invalid_value",
                 "/config/num_key_value_heads"},
        Rejected{"HeadsNotDividingWidth", "llama-3.1-8b", R"({"num_attention_heads": 24})",
                 "invalid_value", "/config/num_attention_heads"},
        Rejected{"TiedNotBool", "llama-3.1-8b", R"({"tie_word_embeddings": "no"})", "type_error",
                 "/config/tie_word_embeddings"},
        Rejected{"OtherArchitecture", "llama-3.1-8b",
                 R"({"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"]})", "unsupported",
                 "/config/model_type"},
        Rejected{"ClassDisagreesWithType", "llama-3.1-8b",
                 R"({"architectures": ["MistralForCausalLM"]})", "invalid_value",
                 "/config/architectures/0"},
        Rejected{"NoArchitectureAtAll", "llama-3.1-8b",
                 R"({"model_type": null, "architectures": null})", "missing_field",
                 "/config/model_type"},
        Rejected{"MistralWithoutKvHeads", "mistral-7b-v0.3", R"({"num_key_value_heads": null})",
                 "missing_field", "/config/num_key_value_heads"},
        // Mixture of experts is out of scope: Mixtral's published file, a Qwen2-MoE-style file
        // and an MoE model_type without expert counts.
        Rejected{"Mixtral", "mixtral-8x7b-v0.1", "{}", "unsupported", "/config/num_local_experts"},
        Rejected{"Qwen2Moe", "qwen2.5-72b",
                 R"({"model_type": "qwen2_moe", "architectures": ["Qwen2MoeForCausalLM"],
                     "num_experts": 60, "num_experts_per_tok": 4})",
                 "unsupported", "/config/num_experts"},
        Rejected{"MoeTypeOnly", "mistral-7b-v0.3",
                 R"({"model_type": "mixtral", "architectures": null})", "unsupported",
                 "/config/model_type"}));

TEST(HfConfig, MoeErrorSaysOutOfScope) {
  io::Json r = Convert(Fixture("mixtral-8x7b-v0.1"));
  ASSERT_FALSE(r["ok"].get<bool>());
  std::string msg = r["error"]["message"].get<std::string>();
  EXPECT_NE(msg.find("mixture-of-experts"), std::string::npos) << msg;
  EXPECT_NE(msg.find("out of scope"), std::string::npos) << msg;
}

TEST(HfConfig, BadRequestsAreCoded) {
  struct Case {
    const char* request;
    const char* code;
    const char* path;
  };
  for (Case c : {Case{R"({})", "missing_field", "/config"},
                 Case{R"({"config": [1, 2]})", "type_error", "/config"},
                 Case{R"({"config": {}, "extra": 1})", "unknown_key", "/extra"},
                 Case{R"({"config": {"model_type": 7}})", "type_error", "/config/model_type"},
                 Case{R"({"config": {"model_type": "llama", "architectures": "LlamaForCausalLM"}})",
                      "type_error", "/config/architectures"},
                 Case{R"({"config": {"model_type": "llama"}, "id": 5})", "type_error", "/id"}}) {
    io::Json r = io::Json::parse(api::ModelFromHf(c.request));
    ASSERT_FALSE(r["ok"].get<bool>()) << c.request;
    EXPECT_EQ(r["error"]["code"], c.code) << c.request;
    EXPECT_EQ(r["error"]["path"], c.path) << c.request;
  }
}

}  // namespace
}  // namespace esti

namespace esti {
namespace {

// The page sends the pasted file's text: the same model comes back, and a syntax error says
// where in that text, at /config_text.
TEST(HfConfig, ConfigTextIsReadLikeTheObject) {
  const io::Json config = Fixture("llama-3.1-8b");
  const io::Json a = io::Json::parse(api::ModelFromHf(io::Json{{"config", config}}.dump()));
  const io::Json b =
      io::Json::parse(api::ModelFromHf(io::Json{{"config_text", config.dump(2)}}.dump()));
  ASSERT_TRUE(b["ok"].get<bool>()) << b.dump();
  EXPECT_EQ(a["model"], b["model"]);
  const io::Json bad = io::Json::parse(
      api::ModelFromHf(io::Json{{"config_text", "{\n  \"hidden_size\": 4096,\n  oops\n}"}}.dump()));
  EXPECT_EQ(bad["error"]["code"], "parse_error");
  EXPECT_EQ(bad["error"]["path"], "/config_text");
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("line 3"), std::string::npos)
      << bad.dump();
}

}  // namespace
}  // namespace esti
