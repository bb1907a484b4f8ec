#include <gtest/gtest.h>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

io::Json Evaluate(const std::string& fields) {
  io::Json r = io::Json::parse(api::Evaluate(
      R"({"schema_version": 1, "hardware": "tpu-v4", "input_tokens": 2048, "generate_tokens": 64, )" +
      fields + "}"));
  EXPECT_TRUE(r["ok"].get<bool>()) << r.dump().substr(0, 300);
  return r;
}

double PerToken(const std::string& fields) {
  return Evaluate(fields)["latency_per_token_s"].get<double>();
}

// The old calibration fitted a ~10 ms cost per forward pass to 118-layer models only; small
// models and slices must not inherit it (issue: an 8B deployment came out 2-4x too slow).
TEST(CalibratedModel, NoPerPassFloorOnSmallModelsAndSlices) {
  // An 8-layer slice of PaLM 540B on 64 chips, batch 1: weight load ~0.6 ms, fixed costs per layer.
  const std::string slice =
      R"("model": {"schema_version": 1, "id": "slice", "name": "540B x 8 layers",
      "n_layers": 8, "d_model": 18432, "d_ff": 73728, "n_heads": 48, "n_kv_heads": 1,
      "d_head": 256, "vocab_size": 256000, "ffn_type": "swiglu", "block_type": "parallel",
      "shared_embedding": true}, "chips": 64, "phase": "decode", "batch": 1, "weights": "int8")";
  EXPECT_LT(PerToken(slice), 3e-3);
  const io::Json r = Evaluate(slice);
  // Fixed costs per pass (per layer x 8 + per step) stay well below the old ~10 ms.
  EXPECT_LT(r["breakdown"]["overhead_s"].get<double>() / 64, 1e-3);
  // PaLM 8B (32 layers) at the paper's lowest-latency decode point (Fig 1: 4.29 ms).
  const double t8 = PerToken(
      R"("model": "palm-8b", "chips": 16, "phase": "decode", "batch": 32, "weights": "bf16")");
  EXPECT_LT(t8, 4.29e-3 * 1.5);
  EXPECT_GT(t8, 4.29e-3 / 1.5);
}

// Weight loading dominates small-batch decode: more chips, less per chip, lower latency; a larger
// batch reads more KV cache and does more work per step, higher latency (ESTI §2, Figure 1).
TEST(CalibratedModel, DecodeLatencyFallsWithChipsAndRisesWithBatch) {
  double previous = 1e9;
  for (int chips : {8, 16, 32}) {
    const double t = PerToken(
        R"("model": "palm-62b", "phase": "decode", "batch": 64, "weights": "bf16", "chips": )" +
        std::to_string(chips));
    EXPECT_LT(t, previous) << chips;
    previous = t;
  }
  previous = 0;
  for (int batch : {16, 64, 256, 1024}) {
    const double t = PerToken(
        R"("model": "palm-62b", "phase": "decode", "chips": 16, "weights": "bf16", "batch": )" +
        std::to_string(batch));
    EXPECT_GT(t, previous) << batch;
    previous = t;
  }
}

TEST(CalibratedModel, EveryCalibratedNumberCarriesABandAndRangeWarnings) {
  io::Json inside = Evaluate(
      R"("model": "palm-62b", "chips": 32, "phase": "decode", "batch": 64, "weights": "bf16")");
  const io::Json& band = inside["latency_band"];
  EXPECT_LE(band["low_s"].get<double>(), band["high_s"].get<double>());
  EXPECT_GT(band["low_s"].get<double>(), 0.5 * inside["latency_s"].get<double>());
  EXPECT_LT(band["high_s"].get<double>(), 2.0 * inside["latency_s"].get<double>());
  EXPECT_EQ(band["neighbours"], 8);
  EXPECT_TRUE(inside["calibration_warnings"].empty()) << inside["calibration_warnings"].dump();

  io::Json outside = Evaluate(
      R"("model": "palm-540b", "chips": 1024, "phase": "decode", "batch": 4096, "weights": "bf16")");
  const std::string w = outside["calibration_warnings"].dump();
  EXPECT_NE(w.find("chips 1024 is outside"), std::string::npos) << w;
  EXPECT_NE(w.find("batch 4096 is outside"), std::string::npos) << w;

  // Another model family (multi-head, serial block) and another chip.
  io::Json family = Evaluate(
      R"("model": "palm-540b-serial", "chips": 64, "phase": "prefill", "batch": 1, "weights": "bf16")");
  EXPECT_NE(family["calibration_warnings"].dump().find("another model family"), std::string::npos);
  io::Json hw =
      io::Json::parse(api::GetPreset(R"({"kind": "hardware", "id": "tpu-v4"})"))["preset"];
  hw["id"] = "my-chip";
  io::Json other = io::Json::parse(api::Evaluate(
      R"({"schema_version": 1, "model": "palm-8b", "chips": 8, "phase": "prefill", "batch": 1, "input_tokens": 2048, "weights": "bf16", "hardware": )" +
      hw.dump() + "}"));
  ASSERT_TRUE(other["ok"].get<bool>()) << other.dump().substr(0, 300);
  EXPECT_NE(other["calibration_warnings"].dump().find("calibrated on tpu-v4, not on my-chip"),
            std::string::npos);

  // Roofline numbers are bounds, not estimates: no band.
  io::Json roof = Evaluate(
      R"("model": "palm-8b", "chips": 8, "phase": "prefill", "batch": 1, "weights": "bf16", "mode": "roofline")");
  EXPECT_FALSE(roof.contains("latency_band"));
}

TEST(CalibratedModel, SearchAndFrontierPointsCarryTheBand) {
  io::Json r = io::Json::parse(api::Frontier(
      R"({"schema_version": 1, "model": "palm-62b", "hardware": "tpu-v4", "chips": [8, 16, 32], "batch": [16, 64], "input_tokens": 2048, "generate_tokens": 64, "weights": "bf16", "phase": "decode", "detail": "summary"})"));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump().substr(0, 300);
  ASSERT_FALSE(r["decode"].empty());
  for (const auto& p : r["decode"]) {
    ASSERT_TRUE(p.contains("latency_band"));
    EXPECT_LE(p["latency_band"]["low_per_token_s"].get<double>(),
              p["latency_band"]["high_per_token_s"].get<double>());
  }
}

}  // namespace
}  // namespace esti
