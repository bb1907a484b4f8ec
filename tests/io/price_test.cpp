// A chip's optional list price (issue 13 item 2): cost_per_chip_hour_usd with its price_source and
// price_date, validated with coded errors naming the field; every result of a priced chip gives
// usd_per_million_tokens beside chip-seconds, and an unpriced chip gives none (no price invented).
#include <gtest/gtest.h>

#include <string>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

io::Json Chip(const io::Json& extra) {
  io::Json chip =
      io::Json::parse(api::GetPreset(R"({"kind":"hardware","id":"h100-sxm"})"))["preset"];
  chip["id"] = "h100-priced";
  chip.update(extra);
  return chip;
}

io::Json Scenario(const io::Json& chip) {
  return {{"model", "llama-3.1-8b"},
          {"hardware", chip},
          {"chips", 8},
          {"batch", 16},
          {"phase", "decode"},
          {"input_tokens", 1024},
          {"generate_tokens", 64},
          {"weights", "bf16"},
          {"mode", "roofline"}};
}

// A test price of $3.60 per chip-hour: $1 per 1000 chip-seconds, so $ per million tokens is
// exactly 1000 x chip-seconds per token.
const io::Json kPriced = {{"cost_per_chip_hour_usd", 3.6},
                          {"price_source", "https://example.com/price-list"},
                          {"price_date", "2026-11-30"}};

TEST(ChipPrice, EvaluateGivesDollarsOnlyForAPricedChip) {
  const io::Json priced = io::Json::parse(api::Evaluate(Scenario(Chip(kPriced)).dump()));
  ASSERT_TRUE(priced["ok"].get<bool>()) << priced.dump().substr(0, 300);
  EXPECT_NEAR(priced["usd_per_million_tokens"].get<double>(),
              priced["cost_chip_s_per_token"].get<double>() * 1000.0,
              1e-12 * priced["usd_per_million_tokens"].get<double>());
  // The concrete scenario echoes the chip with its price citation.
  EXPECT_EQ(priced["scenario"]["hardware"]["price_source"], "https://example.com/price-list");
  EXPECT_EQ(priced["scenario"]["hardware"]["price_date"], "2026-11-30");
  const io::Json plain = io::Json::parse(api::Evaluate(Scenario("h100-sxm").dump()));
  ASSERT_TRUE(plain["ok"].get<bool>());
  EXPECT_FALSE(plain.contains("usd_per_million_tokens"));
  EXPECT_EQ(plain["cost_chip_s_per_token"], priced["cost_chip_s_per_token"]);  // same numbers
}

TEST(ChipPrice, SearchCandidatesAndFrontierPointsGiveDollars) {
  io::Json sc = Scenario(Chip(kPriced));
  sc["chips"] = "auto";
  sc["batch"] = io::Json::array({1, 16, 64});
  sc["objective"] = "min_cost";
  const io::Json searched = io::Json::parse(api::Search(sc.dump()));
  ASSERT_TRUE(searched["ok"].get<bool>()) << searched.dump().substr(0, 300);
  ASSERT_FALSE(searched["candidates"].empty());
  for (const io::Json& c : searched["candidates"]) {
    EXPECT_NEAR(c["usd_per_million_tokens"].get<double>(),
                c["cost_chip_s_per_token"].get<double>() * 1000.0,
                1e-12 * c["usd_per_million_tokens"].get<double>());
  }
  sc.erase("objective");
  sc.erase("phase");
  for (const char* detail : {"summary", "full"}) {
    sc["detail"] = detail;
    const io::Json f = io::Json::parse(api::Frontier(sc.dump()));
    ASSERT_TRUE(f["ok"].get<bool>()) << f.dump().substr(0, 300);
    for (const char* phase : {"prefill", "decode"}) {
      ASSERT_FALSE(f[phase].empty()) << detail << " " << phase;
      for (const io::Json& p : f[phase]) {
        EXPECT_NEAR(p["usd_per_million_tokens"].get<double>(),
                    p["cost_chip_s_per_token"].get<double>() * 1000.0,
                    1e-12 * p["usd_per_million_tokens"].get<double>());
      }
    }
  }
}

TEST(ChipPrice, ComparisonNamesThePriceAndItsSource) {
  io::Json sc = Scenario(io::Json::array({Chip(kPriced), "tpu-v5e"}));
  for (const char* k : {"chips", "batch", "phase", "weights"}) sc.erase(k);
  sc["detail"] = "summary";
  const io::Json r = io::Json::parse(api::Frontier(sc.dump()));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump().substr(0, 300);
  const io::Json& priced = r["per_hardware"][0];
  EXPECT_EQ(priced["cost_per_chip_hour_usd"], 3.6);
  EXPECT_EQ(priced["price_source"], "https://example.com/price-list");
  EXPECT_EQ(priced["price_date"], "2026-11-30");
  const io::Json& unpriced = r["per_hardware"][1];
  EXPECT_FALSE(unpriced.contains("cost_per_chip_hour_usd"));
  EXPECT_FALSE(unpriced.contains("price_source"));
  for (const io::Json& p : unpriced["decode"]) EXPECT_FALSE(p.contains("usd_per_million_tokens"));
}

struct BadPrice {
  io::Json extra;
  std::string code, path, message;
};

TEST(ChipPrice, BadPricesGetACodedErrorNamingTheField) {
  const std::vector<BadPrice> cases = {
      {{{"cost_per_chip_hour_usd", -1}}, "out_of_range", "/hardware/cost_per_chip_hour_usd", ""},
      {{{"cost_per_chip_hour_usd", "3 dollars"}},
       "type_error",
       "/hardware/cost_per_chip_hour_usd",
       ""},
      {{{"price_source", "https://example.com"}},
       "invalid_value",
       "/hardware/price_source",
       "price_source is given but cost_per_chip_hour_usd is not"},
      {{{"cost_per_chip_hour_usd", 0}, {"price_date", "2026-11-30"}},
       "invalid_value",
       "/hardware/price_date",
       "a citation needs its price"},
      {{{"cost_per_chip_hour_usd", 2}, {"price_date", "30/11/2026"}},
       "invalid_value",
       "/hardware/price_date",
       "\"30/11/2026\" is not a date written YYYY-MM-DD"},
      {{{"cost_per_chip_hour_usd", 2}, {"price_date", "2026-13-01"}},
       "invalid_value",
       "/hardware/price_date",
       "YYYY-MM-DD"},
      {{{"cost_per_chip_hour_usd", 2}, {"price_source", ""}},
       "invalid_value",
       "/hardware/price_source",
       "price_source is empty"},
      {{{"cost_per_chip_hour_usd", 2}, {"price_source", 7}},
       "type_error",
       "/hardware/price_source",
       ""},
      {{{"cost_per_chip_hour_usd", 2}, {"price_source", std::string(513, 'a')}},
       "out_of_range",
       "/hardware/price_source",
       "string longer than 512 bytes"},
  };
  for (const BadPrice& c : cases) {
    const io::Json r = io::Json::parse(api::Evaluate(Scenario(Chip(c.extra)).dump()));
    ASSERT_FALSE(r["ok"].get<bool>()) << c.extra.dump();
    if (!c.code.empty()) {
      EXPECT_EQ(r["error"]["code"], c.code) << c.extra.dump();
    }
    EXPECT_EQ(r["error"]["path"], c.path) << c.extra.dump();
    EXPECT_NE(r["error"]["message"].get<std::string>().find(c.message), std::string::npos)
        << c.extra.dump() << ": " << r["error"]["message"];
  }
}

}  // namespace
}  // namespace esti
