// Hardware files with interconnect levels: bad ones get coded errors naming the field
// (docs/interconnects.md); every new preset loads and evaluates a model.
#include <gtest/gtest.h>

#include <string>

#include "esti/api.h"
#include "io/spec_io.h"

namespace esti {
namespace {

const char* kBase = R"({"peak_flops_per_s_bf16":1e15,"hbm_capacity_bytes":8e10,
  "hbm_bandwidth_bytes_per_s":3e12,"max_chips":64,)";

Error Bad(const std::string& rest) {
  Result<hardware::ChipSpec> r =
      io::ParseHardware(io::Json::parse(std::string(kBase) + rest + "}"), "/hardware");
  EXPECT_FALSE(r.ok()) << rest;
  return r.ok() ? Error{} : r.error();
}

const char* kNvlink =
    R"({"kind":"switch","max_size":8,"bandwidth_bytes_per_s":4.5e11,"latency_s":1e-6})";

TEST(InterconnectIo, BadFilesNameTheField) {
  Error e = Bad(std::string(R"("ici_links_per_chip":6,"interconnect":[)") + kNvlink + "]");
  EXPECT_EQ(e.code, codes::kInvalidValue);
  EXPECT_EQ(e.path, "/hardware/ici_links_per_chip");
  e = Bad(R"("interconnect":[{"kind":"ring","bandwidth_bytes_per_s":1e9,"latency_s":0}])");
  EXPECT_EQ(e.code, codes::kInvalidValue);
  EXPECT_EQ(e.path, "/hardware/interconnect/0/kind");
  e = Bad(R"("interconnect":[{"kind":"switch","max_size":8,"latency_s":0}])");
  EXPECT_EQ(e.code, codes::kMissingField);
  EXPECT_EQ(e.path, "/hardware/interconnect/0/bandwidth_bytes_per_s");
  e = Bad(
      R"("interconnect":[{"kind":"switch","max_size":8,"bandwidth_bytes_per_s":-1,"latency_s":0}])");
  EXPECT_EQ(e.code, codes::kOutOfRange);
  EXPECT_EQ(e.path, "/hardware/interconnect/0/bandwidth_bytes_per_s");
  e = Bad(std::string(R"("interconnect":[{"kind":"torus","axes":2,"max_axis_chips":16,)") +
          R"("bandwidth_bytes_per_s":1e11,"latency_s":0},)" + kNvlink + "]");
  EXPECT_EQ(e.code, codes::kInvalidValue);
  EXPECT_EQ(e.path, "/hardware/interconnect/1/kind");
  e = Bad(std::string(R"("interconnect":[)") + kNvlink + "," + kNvlink + "," + kNvlink + "]");
  EXPECT_EQ(e.code, codes::kTooLarge);
  EXPECT_EQ(e.path, "/hardware/interconnect");
  e = Bad(std::string(R"("interconnect":[)") + kNvlink +
          R"(,{"kind":"switch","max_size":8,"bandwidth_bytes_per_s":9e11,"latency_s":0}])");
  EXPECT_EQ(e.path, "/hardware/interconnect/1/bandwidth_bytes_per_s");  // faster than NVLink
  e = Bad(std::string(R"("slice_shapes":[[1,2,2]],"interconnect":[)") + kNvlink + "]");
  EXPECT_EQ(e.path, "/hardware/slice_shapes");
  e = Bad(R"("interconnect":[{"kind":"line","axes":2,"max_axis_chips":8,"wraparound_multiple":4,
          "bandwidth_bytes_per_s":1e11,"latency_s":0}])");
  EXPECT_EQ(e.path, "/hardware/interconnect/0/wraparound_multiple");
  e = Bad(R"("interconnect":[{"kind":"torus","axes":2,"max_axis_chips":16,
          "bandwidth_bytes_per_s":1e11,"latency_s":0}],"slice_shapes":[[1,2]])");
  EXPECT_EQ(e.code, codes::kTypeError);
  EXPECT_EQ(e.path, "/hardware/slice_shapes/0");
  e = Bad(R"("interconnect":{})");
  EXPECT_EQ(e.code, codes::kTypeError);
  EXPECT_EQ(e.path, "/hardware/interconnect");
  // Without interconnect, the legacy keys stay required as before.
  e = Bad(R"("peak_flops_per_s_int8":1e15)");
  EXPECT_EQ(e.code, codes::kMissingField);
}

TEST(InterconnectIo, RoundTripsThroughJson) {
  const hardware::ChipSpec c = io::ParseHardware(io::Json("b200"), "").value();
  const Result<hardware::ChipSpec> parsed = io::ParseHardware(io::HardwareToJson(c), "");
  ASSERT_TRUE(parsed.ok()) << parsed.error().path << ": " << parsed.error().message;
  const hardware::ChipSpec& again = parsed.value();
  ASSERT_EQ(again.interconnect.size(), 2u);
  EXPECT_EQ(again.interconnect[1].bandwidth_bytes_per_s, 50e9);
  EXPECT_EQ(again.peak_flops_per_s_fp8, 4.5e15);
  const hardware::ChipSpec v5p = io::ParseHardware(io::Json("tpu-v5p"), "").value();
  const Result<hardware::ChipSpec> v5p_again = io::ParseHardware(io::HardwareToJson(v5p), "");
  ASSERT_TRUE(v5p_again.ok()) << v5p_again.error().path << ": " << v5p_again.error().message;
  EXPECT_EQ(v5p_again.value().slice_shapes, v5p.slice_shapes);
}

// Every new preset loads and evaluates Llama 3.1 70B decode on a slice it sells.
TEST(InterconnectIo, NewPresetsEvaluateAModel) {
  for (const char* id :
       {"tpu-v5e", "tpu-v5p", "tpu-v6e", "a100-80gb-sxm", "h100-sxm", "h200", "b200"}) {
    const std::string request = std::string(R"({"model":"llama-3.1-70b","hardware":")") + id +
                                R"(","chips":"auto","batch":"auto","weights":"auto",)" +
                                R"("phase":"decode","input_tokens":2048,"generate_tokens":64,)" +
                                R"("objective":"min_cost"})";
    const io::Json r = io::Json::parse(api::Search(request));
    ASSERT_TRUE(r.at("ok").get<bool>()) << id << ": " << r.dump().substr(0, 300);
    const io::Json& best = r.at("best");
    EXPECT_TRUE(best.at("fits").get<bool>()) << id;
    EXPECT_GT(best.at("latency_per_token_s").get<double>(), 0) << id;
    EXPECT_EQ(best.at("hardware_id").get<std::string>(), id);
  }
}

}  // namespace
}  // namespace esti
