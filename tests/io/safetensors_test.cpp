#include "esti/io/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "decoder/decoder_test_util.h"
#include "decoder/weights.h"

namespace esti::io {
namespace {

std::vector<uint8_t> File(const std::string& header, int64_t data_bytes, int64_t declared = -1) {
  const uint64_t n = declared >= 0 ? static_cast<uint64_t>(declared) : header.size();
  std::vector<uint8_t> f(8 + header.size() + static_cast<size_t>(data_bytes), 0);
  for (int i = 0; i < 8; ++i) f[i] = static_cast<uint8_t>(n >> (8 * i));
  for (size_t i = 0; i < header.size(); ++i) f[8 + i] = static_cast<uint8_t>(header[i]);
  return f;
}

TEST(Safetensors, ParsesAValidHeader) {
  auto f = File(R"({"__metadata__": {"format": "pt"},
                    "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
                    "b": {"dtype": "BF16", "shape": [4], "data_offsets": [24, 32]},
                    "s": {"dtype": "I8", "shape": [], "data_offsets": [32, 33]}})",
                33);
  auto r = ParseSafetensors(f);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  const SafetensorsTensor& a = r.value()[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  const int64_t data_start = static_cast<int64_t>(f.size()) - 33;
  EXPECT_EQ(a.begin, data_start);
  EXPECT_EQ(a.end, data_start + 24);
}

TEST(Safetensors, RejectsEveryMalformedHeaderWithAPath) {
  struct Case {
    std::vector<uint8_t> file;
    const char* code;
    const char* path;
  };
  const std::string ok_a = R"("a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]})";
  const Case cases[] = {
      {{1, 2, 3}, "invalid_value", ""},
      {File("{}", 0, 1000), "invalid_value", ""},          // length past the end
      {File("{}", 0, int64_t{1} << 40), "too_large", ""},  // absurd length
      {File("{not json", 0), "parse_error", ""},
      {File("[1]", 0), "type_error", ""},
      {File(R"({"a": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 8]}})", 8), "invalid_value",
       "/a/dtype"},
      {File(R"({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", 12),
       "invalid_value", "/a/data_offsets"},
      {File(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 16]}})", 8), "out_of_range",
       "/a/data_offsets/1"},
      {File(R"({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})", 8), "out_of_range",
       "/a/shape/0"},
      {File(R"({"a": {"dtype": "F32", "shape": [1e30], "data_offsets": [0, 8]}})", 8),
       "out_of_range", "/a/shape/0"},
      {File(R"({"a": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}})",
            8),
       "out_of_range", "/a/shape/0"},
      {File(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}})", 8), "invalid_value",
       "/a/data_offsets"},
      {File(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0]}})", 8), "type_error",
       "/a/data_offsets"},
      {File(R"({"a": {"dtype": "F32", "shape": [2]}})", 8), "missing_field", "/a/data_offsets"},
      {File(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8], "x": 1}})", 8),
       "unknown_key", "/a/x"},
      {File("{" + ok_a + R"(, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})", 12),
       "invalid_value", "/b/data_offsets"},
      {File(R"({"__metadata__": {"k": 1}})", 0), "type_error", "/__metadata__/k"},
      {File(R"({"a/b": {"dtype": "F32", "shape": 2, "data_offsets": [0, 8]}})", 8), "type_error",
       "/a~1b/shape"},
      // Issue 12 item 3: the data section is exactly the tensors' bytes (no holes, nothing after).
      {File("{" + ok_a + "}", 9), "invalid_value", "/a/data_offsets"},
      {File("{" + ok_a + R"(, "b": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]}})", 20),
       "invalid_value", "/b/data_offsets"},
      {File(R"({"b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8), "invalid_value",
       "/b/data_offsets"},
      {File("{}", 4), "invalid_value", ""},
  };
  for (const Case& c : cases) {
    auto r = ParseSafetensors(c.file);
    ASSERT_FALSE(r.ok()) << c.code << " " << c.path;
    EXPECT_EQ(r.error().code, c.code) << r.error().message;
    EXPECT_EQ(r.error().path, c.path) << r.error().message;
  }
}

// Issue 12 item 1: a header of 65,536 tensors took 59 s (quadratic JSON parse). esti_bench
// (BM_ParseSafetensorsHeader) measures the time; here every tensor must come back, and one bad
// entry among them must still be named.
std::string ManyTensorHeader(int64_t n, int64_t bad_index) {
  std::string h = "{";
  for (int64_t i = 0; i < n; ++i) {
    const int64_t end = i == bad_index ? 4 * i + 8 : 4 * i + 4;
    h += (i ? "," : "") + std::string("\"t") + std::to_string(i) +
         R"(":{"dtype":"F32","shape":[1],"data_offsets":[)" + std::to_string(4 * i) + "," +
         std::to_string(end) + "]}";
  }
  return h + "}";
}

TEST(Safetensors, ParsesSixtyFiveThousandTensors) {
  const int64_t n = kMaxSafetensorsTensors;
  auto f = File(ManyTensorHeader(n, -1), 4 * n);
  auto r = ParseSafetensors(f);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(static_cast<int64_t>(r->size()), n);
  auto bad = ParseSafetensors(File(ManyTensorHeader(n, n - 7), 4 * n));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().path, "/t" + std::to_string(n - 7) + "/data_offsets");
}

TEST(Safetensors, WriteThenParseRoundTrips) {
  const std::vector<float> v = {1.5f, -2.0f, 3.25f};
  std::vector<SafetensorsEntry> e = {
      {"x", "F32", {3}, {reinterpret_cast<const uint8_t*>(v.data()), 12}},
      {"y", "F32", {1, 3}, {reinterpret_cast<const uint8_t*>(v.data()), 12}}};
  std::vector<uint8_t> f = WriteSafetensors(e);
  auto r = ParseSafetensors(f);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(std::memcmp(f.data() + r.value()[1].begin, v.data(), 12), 0);
  EXPECT_EQ((r.value()[0].begin - 8) % 8, 0);  // header padded to 8 bytes
}

// Checkpoint tensors are converted from F16 and BF16; missing, misshapen and unexpected tensors are
// named in the error.
TEST(Safetensors, WeightsFromTensorsChecksNamesShapesAndDtypes) {
  model::ModelConfig m = decoder::testing::Tiny();
  decoder::Weights w = decoder::GenerateWeights(m, decoder::WeightKind::kFp32, 1);
  std::vector<decoder::NamedTensor> t = decoder::TensorsOf(m, w);
  ASSERT_TRUE(decoder::WeightsFromTensors(m, decoder::WeightKind::kInt8, t).ok());
  // BF16 / F16 versions of the final norm (values 1 +- 0.1 round to nearby values).
  std::vector<uint8_t> half(2 * m.d_model);
  for (int64_t i = 0; i < m.d_model; ++i) {  // 1.0 in bf16 = 0x3f80, in f16 = 0x3c00
    half[2 * i] = 0x00;
    half[2 * i + 1] = 0x3f;
  }
  auto norm =
      std::find_if(t.begin(), t.end(), [](auto& x) { return x.name == "model.norm.weight"; });
  norm->dtype = "BF16";
  norm->data = {half.data(), half.size()};
  for (int64_t i = 0; i < m.d_model; ++i)
    half[2 * i + 1] = 0x3f, half[2 * i] = 0x80;  // bf16 0x3f80 = 1.0
  auto bf = decoder::WeightsFromTensors(m, decoder::WeightKind::kFp32, t);
  ASSERT_TRUE(bf.ok()) << bf.error().message;
  EXPECT_EQ(bf->final_norm[0], 1.0f);
  norm->dtype = "F16";
  for (int64_t i = 0; i < m.d_model; ++i) half[2 * i + 1] = 0x3c, half[2 * i] = 0x00;  // f16 1.0
  auto f16 = decoder::WeightsFromTensors(m, decoder::WeightKind::kFp32, t);
  ASSERT_TRUE(f16.ok());
  EXPECT_EQ(f16->final_norm[5], 1.0f);
  norm->dtype = "I8";
  EXPECT_EQ(decoder::WeightsFromTensors(m, decoder::WeightKind::kFp32, t).error().path,
            "/model.norm.weight");
  norm->dtype = "F16";
  // Missing, misshapen, unexpected.
  auto missing = t;
  missing.erase(missing.begin());
  EXPECT_EQ(decoder::WeightsFromTensors(m, decoder::WeightKind::kInt8, missing).error().code,
            "missing_field");
  auto extra = t;
  extra.push_back(extra.back());
  extra.back().name = "model.layers.9.mlp.up_proj.weight";
  EXPECT_EQ(decoder::WeightsFromTensors(m, decoder::WeightKind::kInt8, extra).error().path,
            "/model.layers.9.mlp.up_proj.weight");
  auto rope = t;
  rope.push_back(rope.back());
  rope.back().name = "model.layers.0.self_attn.rotary_emb.inv_freq";
  EXPECT_TRUE(decoder::WeightsFromTensors(m, decoder::WeightKind::kInt8, rope).ok());
}

}  // namespace
}  // namespace esti::io
