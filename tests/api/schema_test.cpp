// api::Schema publishes the fields the readers check: every range it gives is the range the core
// enforces, every enum value it lists is accepted, and every key of every preset is described.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

io::Json Call(const std::string& response) {
  auto j = io::ParseJson(response);
  EXPECT_TRUE(j.ok());
  return j.value();
}

io::Json Preset(const char* kind, const char* id) {
  io::Json req = {{"kind", kind}, {"id", id}};
  return Call(api::GetPreset(req.dump()))["preset"];
}

const io::Json& Fields(const io::Json& schema, const char* doc) {
  return schema["documents"][doc]["fields"];
}

// The error a scenario with `model` and `hardware` documents gets from evaluate (null: none).
io::Json ErrorOf(const io::Json& model, const io::Json& hardware) {
  io::Json req = {{"model", model},       {"hardware", hardware}, {"chips", 1},
                  {"phase", "decode"},    {"batch", 1},           {"input_tokens", 8},
                  {"generate_tokens", 1}, {"ffn_layout", "ws1d"}, {"attention_sharding", "heads"}};
  io::Json r = Call(api::Evaluate(req.dump()));
  return r["ok"].get<bool>() ? io::Json() : r["error"];
}

TEST(Schema, ListsEveryDocumentAndPreset) {
  io::Json s = Call(api::Schema());
  ASSERT_TRUE(s["ok"].get<bool>());
  for (const char* doc : {"scenario", "model", "hardware"}) EXPECT_GE(Fields(s, doc).size(), 5u);
  const io::Json& hw = s["presets"]["hardware"];
  EXPECT_NE(std::find(hw.begin(), hw.end(), "tpu-v4"), hw.end());
  EXPECT_GE(s["presets"]["models"].size(), 8u);
}

// Every key a preset file uses is a described field of its document.
TEST(Schema, DescribesEveryPresetKey) {
  io::Json s = Call(api::Schema());
  io::Json list = Call(api::ListPresets());
  for (const auto& [kind, doc] :
       {std::pair{"models", "model"}, std::pair{"hardware", "hardware"}}) {
    std::set<std::string> keys{"schema_version"};
    for (const io::Json& f : Fields(s, doc)) keys.insert(f["key"].get<std::string>());
    for (const io::Json& p : list[kind]) {
      const std::string id = p["id"].get<std::string>();
      const io::Json preset = Preset(kind, id.c_str());
      for (const auto& [key, value] : preset.items())
        EXPECT_TRUE(keys.count(key)) << kind << " preset " << id << " uses undescribed key " << key;
    }
  }
}

// For each numeric field of the model and hardware documents: its published min and max are
// accepted as far as that field goes, and just outside them is out_of_range at that field.
TEST(Schema, RangesAreTheRangesTheCoreEnforces) {
  io::Json s = Call(api::Schema());
  const io::Json tiny = Preset("models", "tiny");
  const io::Json chip = Preset("hardware", "tpu-v4");
  int checked = 0;
  for (const char* doc : {"model", "hardware"}) {
    for (const io::Json& f : Fields(s, doc)) {
      const std::string type = f["type"];
      if (type != "integer" && type != "number") continue;
      const std::string key = f["key"];
      const std::string path = std::string("/") + doc + "/" + key;
      const double min = f["min"], max = f["max"];
      auto error_with = [&](const io::Json& v) {
        io::Json m = tiny, h = chip;
        (std::string(doc) == "model" ? m : h)[key] = v;
        return ErrorOf(m, h);
      };
      for (double inside : {min, max}) {
        io::Json e = error_with(type == "integer" ? io::Json(static_cast<int64_t>(inside))
                                                  : io::Json(inside));
        // Other fields may object to an extreme value (n_kv_heads must divide n_heads); this one
        // must not.
        if (!e.is_null()) {
          EXPECT_FALSE(e["path"] == path && e["code"] == "out_of_range") << path << " = " << inside;
        }
      }
      const double step = type == "integer" ? 1 : (max == 0 ? 1e-9 : std::abs(max) * 1e-6);
      for (double outside :
           {min - (type == "integer" ? 1 : std::max(std::abs(min) * 1e-6, 1e-12)), max + step}) {
        io::Json e = error_with(type == "integer" ? io::Json(static_cast<int64_t>(outside))
                                                  : io::Json(outside));
        ASSERT_FALSE(e.is_null()) << path << " = " << outside << " was accepted";
        EXPECT_EQ(e["path"], path) << e.dump();
        EXPECT_EQ(e["code"], "out_of_range") << e.dump();
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 15);
}

// Every enum value the schema lists is read; a name not listed is refused naming them all.
TEST(Schema, EnumValuesAreTheValuesTheCoreReads) {
  io::Json s = Call(api::Schema());
  const io::Json tiny = Preset("models", "tiny");
  const io::Json chip = Preset("hardware", "tpu-v4");
  int checked = 0;
  for (const char* doc : {"model", "hardware"}) {
    for (const io::Json& f : Fields(s, doc)) {
      if (f["type"] != "enum") continue;
      const std::string key = f["key"];
      for (const io::Json& v : f["values"]) {
        io::Json m = tiny, h = chip;
        (std::string(doc) == "model" ? m : h)[key] = v["value"];
        EXPECT_TRUE(ErrorOf(m, h).is_null()) << key << " = " << v["value"];
        ++checked;
      }
      io::Json m = tiny, h = chip;
      (std::string(doc) == "model" ? m : h)[key] = "no-such-value";
      io::Json e = ErrorOf(m, h);
      EXPECT_EQ(e["code"], "invalid_value");
      for (const io::Json& v : f["values"])
        EXPECT_NE(e["message"].get<std::string>().find(v["value"].get<std::string>()),
                  std::string::npos);
    }
  }
  EXPECT_GE(checked, 6);
  // Scenario enums, through evaluate.
  for (const io::Json& f : Fields(s, "scenario")) {
    if (f["type"] != "enum" || f.contains("applies")) continue;
    for (const io::Json& v : f["values"]) {
      io::Json req = {{"model", "tiny"}, {"chips", 1},        {"phase", "decode"},
                      {"batch", 1},      {"input_tokens", 8}, {"generate_tokens", 1}};
      req[f["key"].get<std::string>()] = v["value"];
      if (v["value"] == "prefill") req.erase("generate_tokens");
      io::Json r = Call(api::Evaluate(req.dump()));
      EXPECT_TRUE(r["ok"].get<bool>()) << f["key"] << " = " << v["value"] << ": " << r.dump();
    }
  }
}

TEST(Schema, NumbersThatNameTheirUnitAcceptUnits) {
  io::Json s = Call(api::Schema());
  for (const io::Json& f : Fields(s, "hardware")) {
    if (f["key"] == "hbm_capacity_bytes") {
      EXPECT_TRUE(f["accepts_units"].get<bool>());
      EXPECT_EQ(f["unit"], "bytes");
    }
    if (f["key"] == "ici_links_per_chip") EXPECT_FALSE(f["accepts_units"].get<bool>());
  }
}

// The argument sizes the schema publishes (the page's worker refuses larger arguments with them)
// are the sizes the api enforces: a request of exactly that size is read, one byte more is not.
TEST(Schema, PublishedArgumentLimitsAreTheOnesEnforced) {
  const io::Json limits = Call(api::Schema())["limits"];
  const int64_t json_bytes = limits["json_bytes"].get<int64_t>();
  const std::string request = R"({"model":"palm-8b"})";
  std::string at_limit = request + std::string(json_bytes - request.size(), ' ');
  io::Json r = Call(api::DescribeModel(at_limit));
  EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
  r = Call(api::DescribeModel(at_limit + " "));
  EXPECT_EQ(r["error"]["code"], "too_large");

  const int64_t link_chars = limits["share_link_chars"].get<int64_t>();
  // A fragment of the limit's length gets past the length check (and fails on its content).
  r = Call(api::DecodeLink(std::string(link_chars, 'v')));
  EXPECT_NE(r["error"]["code"], "too_large") << r.dump();
  r = Call(api::DecodeLink(std::string(link_chars + 1, 'v')));
  EXPECT_EQ(r["error"]["code"], "too_large");
}

}  // namespace
}  // namespace esti
