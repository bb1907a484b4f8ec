#include <gtest/gtest.h>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

// The calibration stored in presets/hardware/tpu-v4.json is exactly what `esti calibrate` fits to
// the committed measurements: the fit is reproducible and the preset was not edited by hand.
TEST(Calibration, PresetEqualsTheFitOfTheCommittedData) {
  io::Json fit = io::Json::parse(api::Calibrate(R"({"data": "palm-540b-tpu-v4"})"));
  ASSERT_TRUE(fit["ok"].get<bool>()) << fit.dump();
  io::Json preset = io::Json::parse(api::GetPreset(R"({"kind": "hardware", "id": "tpu-v4"})"));
  const io::Json& stored = preset["preset"]["calibration"];
  for (auto it = fit["calibration"].begin(); it != fit["calibration"].end(); ++it) {
    EXPECT_NEAR(stored[it.key()].get<double>(), it->get<double>(), 1e-12 + 1e-9 * std::fabs(it->get<double>()))
        << it.key();
  }
  // Fit quality on the data it saw (README reports every residual).
  EXPECT_LT(fit["rms_log_error"].get<double>(), 0.1);
}

TEST(Calibration, CheckReportsResidualsOfTheStoredCalibration) {
  io::Json check = io::Json::parse(api::Calibrate(R"({"data": "palm-540b-tpu-v4", "fit": false})"));
  ASSERT_TRUE(check["ok"].get<bool>());
  EXPECT_EQ(check["points"].size(), 27u);
  for (const auto& p : check["points"]) {
    EXPECT_GT(p["predicted_s"].get<double>(), 0);
    // Decode at 64 chips uses 2D weight-stationary, as the paper does (ESTI §4.1).
    if (p["id"].get<std::string>().find("decode") != std::string::npos) {
      EXPECT_EQ(p["ffn_layout"], "ws2d") << p["id"];
    }
  }
}

TEST(Calibration, BadDataIsACodedError) {
  io::Json r = io::Json::parse(api::Calibrate(R"({"data": {"schema_version": 1, "model": "palm-8b",
      "hardware": "tpu-v4", "input_tokens": 2048, "generate_tokens": 64,
      "measurements": [{"id": "a", "phase": "decode", "chips": 64, "batch": 8, "weights": "bf16",
      "ffn_layout": "ws2d", "attention_sharding": "batch", "latency_s": 1}]}})"));
  ASSERT_FALSE(r["ok"].get<bool>());
  EXPECT_EQ(r["error"]["path"], "/data/measurements/0/latency_per_token_s");
}

}  // namespace
}  // namespace esti

namespace esti {
namespace {

// Hold-out: fit without Table 2, predict Table 2 (README reports the errors).
TEST(Calibration, HoldOutReportsPredictionsOfUnseenMeasurements) {
  io::Json r = io::Json::parse(
      api::Calibrate(R"({"data": "palm-540b-tpu-v4", "hold_out_prefix": "table2"})"));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["held_out"].size(), 4u);
  EXPECT_EQ(r["points"].size(), 23u);
  for (const auto& p : r["held_out"]) {
    EXPECT_EQ(p["id"].get<std::string>().rfind("table2", 0), 0u);
    EXPECT_TRUE(std::isfinite(p["relative_error"].get<double>()));
  }
  EXPECT_GT(r["held_out_rms_log_error"].get<double>(), 0);
  io::Json bad = io::Json::parse(
      api::Calibrate(R"({"data": "palm-540b-tpu-v4", "hold_out_prefix": "nothing-matches"})"));
  EXPECT_EQ(bad["error"]["path"], "/hold_out_prefix");
}

}  // namespace
}  // namespace esti
