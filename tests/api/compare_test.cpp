// esti frontier over several chips (issue 13 item 6): one frontier per chip, the same as each
// chip's own frontier, with $ per million tokens where the chip has a price.
#include <gtest/gtest.h>

#include <string>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

std::string Request(const std::string& hardware) {
  return R"({"model":"llama-3.1-8b","hardware":)" + hardware +
         R"(,"chips":"auto","batch":"auto","weights":"auto","input_tokens":2048,)"
         R"("generate_tokens":64,"detail":"summary"})";
}

TEST(CompareHardware, OneFrontierPerChipEqualToItsOwn) {
  const io::Json r = io::Json::parse(api::Frontier(Request(R"(["tpu-v5e","h100-sxm"])")));
  ASSERT_TRUE(r.at("ok").get<bool>()) << r.dump().substr(0, 300);
  ASSERT_EQ(r["per_hardware"].size(), 2u);
  int i = 0;
  for (const char* id : {"tpu-v5e", "h100-sxm"}) {
    const io::Json& mine = r["per_hardware"][i++];
    EXPECT_EQ(mine["hardware_id"], id);
    EXPECT_FALSE(mine["decode"].empty());
    const io::Json alone = io::Json::parse(api::Frontier(Request(std::string("\"") + id + "\"")));
    EXPECT_EQ(mine["prefill"], alone["prefill"]) << id;
    EXPECT_EQ(mine["decode"], alone["decode"]) << id;
    EXPECT_FALSE(mine.contains("cost_per_chip_hour_usd"));  // no price in the presets
  }
}

TEST(CompareHardware, DollarsWhereTheChipHasAPrice) {
  io::Json chip =
      io::Json::parse(api::GetPreset(R"({"kind":"hardware","id":"h100-sxm"})"))["preset"];
  chip["id"] = "h100-priced";
  chip["cost_per_chip_hour_usd"] = 3.6;  // a test price: $1 per 1000 chip-seconds
  io::Json list = io::Json::array({chip});
  const io::Json r = io::Json::parse(api::Frontier(Request(list.dump())));
  ASSERT_TRUE(r.at("ok").get<bool>()) << r.dump().substr(0, 300);
  const io::Json& mine = r["per_hardware"][0];
  EXPECT_EQ(mine["cost_per_chip_hour_usd"], 3.6);
  for (const io::Json& p : mine["decode"]) {
    EXPECT_NEAR(p["usd_per_million_tokens"].get<double>(),
                p["cost_chip_s_per_token"].get<double>() * 1e6 / 1000.0, 1e-9);
  }
}

TEST(CompareHardware, BadListsNameTheChip) {
  io::Json r = io::Json::parse(api::Frontier(Request(R"(["tpu-v5e","no-such-chip"])")));
  EXPECT_FALSE(r["ok"].get<bool>());
  EXPECT_EQ(r["error"]["code"], "unknown_preset");
  EXPECT_EQ(r["error"]["path"], "/hardware/1");
  r = io::Json::parse(api::Frontier(Request("[]")));
  EXPECT_EQ(r["error"]["code"], "invalid_value");
  r = io::Json::parse(api::Frontier(
      Request(R"(["h200","h200","h200","h200","h200","h200","h200","h200","h200"])")));
  EXPECT_EQ(r["error"]["code"], "too_large");
  EXPECT_EQ(r["error"]["path"], "/hardware");
}

}  // namespace
}  // namespace esti
