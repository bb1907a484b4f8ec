#include "io/quantity.h"

#include <gtest/gtest.h>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti::io {
namespace {

double Q(const char* text, QuantityUnit unit) {
  std::string why;
  std::optional<double> v = ParseQuantity(text, unit, &why);
  EXPECT_TRUE(v.has_value()) << text << ": " << why;
  return v.value_or(-1);
}

TEST(Quantity, UnitsPeopleType) {
  EXPECT_EQ(Q("32 GiB", QuantityUnit::kBytes), 34359738368.0);
  EXPECT_EQ(Q("34.36GB", QuantityUnit::kBytes), 34.36e9);
  EXPECT_EQ(Q("1.2 TB/s", QuantityUnit::kBytesPerS), 1.2e12);
  EXPECT_EQ(Q("45 GB/s", QuantityUnit::kBytesPerS), 45e9);
  EXPECT_EQ(Q("275 TFLOP/s", QuantityUnit::kFlopsPerS), 275e12);
  EXPECT_EQ(Q("275 TOPS", QuantityUnit::kFlopsPerS), 275e12);
  EXPECT_EQ(Q("50 ms", QuantityUnit::kSeconds), 50e-3);
  EXPECT_EQ(Q("20 us", QuantityUnit::kSeconds), 20e-6);
  EXPECT_EQ(Q("20 \xC2\xB5s", QuantityUnit::kSeconds), 20e-6);
  EXPECT_EQ(Q("1.5e3 ms", QuantityUnit::kSeconds), 1.5);
  EXPECT_EQ(Q("2e9", QuantityUnit::kBytes), 2e9);  // a bare number is the base unit
  EXPECT_EQ(Q(" 7 B ", QuantityUnit::kBytes), 7);
}

TEST(Quantity, RejectsWhatItCannotRead) {
  std::string why;
  for (const char* bad :
       {"", "GiB", "32 GiBs", "32 ms", "-1 GB", "1..2 GB", "32 Gib", "nan", "1e999 B", "32 mB"}) {
    EXPECT_FALSE(ParseQuantity(bad, QuantityUnit::kBytes, &why).has_value()) << bad;
  }
  EXPECT_EQ(why, "expected a number or bytes such as \"32 GiB\" or \"34.36 GB\"");
  EXPECT_FALSE(ParseQuantity("50 GB", QuantityUnit::kSeconds, &why).has_value());
  EXPECT_FALSE(ParseQuantity("3 GiB/s", QuantityUnit::kFlopsPerS, &why).has_value());
}

TEST(Quantity, KeysNameTheirUnit) {
  EXPECT_EQ(UnitOfKey("hbm_capacity_bytes"), QuantityUnit::kBytes);
  EXPECT_EQ(UnitOfKey("hbm_bandwidth_bytes_per_s"), QuantityUnit::kBytesPerS);
  EXPECT_EQ(UnitOfKey("peak_flops_per_s_bf16"), QuantityUnit::kFlopsPerS);
  EXPECT_EQ(UnitOfKey("max_latency_per_token_s"), QuantityUnit::kSeconds);
  EXPECT_EQ(UnitOfKey("n_heads"), QuantityUnit::kNone);
  EXPECT_EQ(UnitOfKey("input_tokens"), QuantityUnit::kNone);
}

// Through the api: a chip typed with units evaluates exactly as the same chip in SI numbers, and a
// malformed quantity is a coded error naming the field with what it accepts.
TEST(Quantity, ScenariosAcceptThem) {
  Json hw = Json::parse(api::GetPreset(R"({"kind": "hardware", "id": "tpu-v4"})"))["preset"];
  const std::string sc =
      R"({"model": "palm-8b", "chips": 8, "phase": "decode", "batch": 8, "input_tokens": 2048,
          "generate_tokens": 64, "weights": "bf16", "hardware": )";
  const Json si = Json::parse(api::Evaluate(sc + hw.dump() + "}"));
  hw["hbm_capacity_bytes"] = "32 GiB";
  hw["hbm_bandwidth_bytes_per_s"] = "1.2 TB/s";
  hw["peak_flops_per_s_bf16"] = "275 TFLOP/s";
  hw["ici_hop_latency_s"] = "1 us";
  const Json typed = Json::parse(api::Evaluate(sc + hw.dump() + "}"));
  ASSERT_TRUE(typed["ok"].get<bool>()) << typed.dump().substr(0, 300);
  EXPECT_EQ(typed["latency_s"], si["latency_s"]);
  EXPECT_EQ(typed["memory"]["hbm_capacity_bytes"], si["memory"]["hbm_capacity_bytes"]);
  hw["hbm_capacity_bytes"] = "32 GB/s";
  const Json bad = Json::parse(api::Evaluate(sc + hw.dump() + "}"));
  EXPECT_EQ(bad["error"]["path"], "/hardware/hbm_capacity_bytes");
  EXPECT_EQ(bad["error"]["message"],
            "expected a number or bytes such as \"32 GiB\" or \"34.36 GB\"");
  const Json budget = Json::parse(api::Search(
      R"({"model": "palm-8b", "chips": 8, "phase": "decode", "batch": 8, "input_tokens": 2048,
          "generate_tokens": 64, "weights": "bf16", "max_latency_per_token_s": "50 ms"})"));
  ASSERT_TRUE(budget["ok"].get<bool>()) << budget.dump().substr(0, 300);
  EXPECT_LE(budget["best"]["latency_per_token_s"].get<double>(), 0.05);
}

}  // namespace
}  // namespace esti::io
