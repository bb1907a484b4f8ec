// Issue 13 item 7: in calibrated mode a chip without a calibration (every preset but TPU v4) says,
// in one sentence beside its numbers, that nothing was fitted for it and what its latency is then.
#include <gtest/gtest.h>

#include <string>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

io::Json Evaluate(const std::string& hardware) {
  return io::Json::parse(api::Evaluate(
      R"({"model":"llama-3.1-70b","hardware":)" + hardware +
      R"(,"chips":8,"batch":16,"phase":"decode","input_tokens":2048,"generate_tokens":64,)"
      R"("weights":"int8","mode":"calibrated"})"));
}

TEST(UncalibratedChip, CalibratedModeSaysItIsTheRooflineWithNoBand) {
  const io::Json r = Evaluate(R"("h100-sxm")");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump().substr(0, 300);
  EXPECT_FALSE(r.contains("latency_band"));
  ASSERT_FALSE(r["calibration_warnings"].empty());
  EXPECT_EQ(r["calibration_warnings"][0],
            "\"NVIDIA H100 SXM (8-GPU HGX/DGX node)\" has no calibration (only TPU v4 is "
            "calibrated, from the paper's measurements): this latency uses its peak FLOP/s and "
            "bandwidths with no measured efficiencies or fixed overheads (a roofline, plus "
            "collectives not hidden under compute and their per-hop latencies), so expect real "
            "latency to be higher; no error band");
}

TEST(UncalibratedChip, AFittedCalibrationWithoutResidualsSaysOnlyThatItHasNoBand) {
  io::Json chip =
      io::Json::parse(api::GetPreset(R"({"kind":"hardware","id":"h100-sxm"})"))["preset"];
  chip["calibration"] = {{"matmul_efficiency", 0.8},     {"hbm_efficiency", 0.9},
                         {"ici_efficiency", 0.7},        {"comm_overlap", 0.5},
                         {"per_layer_overhead_s", 1e-5}, {"per_step_overhead_s", 1e-4}};
  const io::Json r = Evaluate(chip.dump());
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump().substr(0, 300);
  ASSERT_EQ(r["calibration_warnings"].size(), 1u);
  EXPECT_EQ(r["calibration_warnings"][0],
            "this chip's calibration carries no cross-validated residuals, so no error band can "
            "be given");
}

}  // namespace
}  // namespace esti
