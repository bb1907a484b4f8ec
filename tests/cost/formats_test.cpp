// Weight and KV cache formats (docs/formats.md): memory, load time and compute use each one; a chip
// without fp8 matmul units computes fp8 weights in bf16 and the result says so.
#include <gtest/gtest.h>

#include <string>

#include "esti/api.h"
#include "esti/io/json_input.h"
#include "model/model.h"

namespace esti {
namespace {

io::Json Evaluate(const std::string& hw, const std::string& weights, const std::string& kv,
                  const std::string& phase, int batch) {
  const std::string request =
      R"({"model":"llama-3.1-70b","hardware":")" + hw + R"(","chips":8,"batch":)" +
      std::to_string(batch) + R"(,"phase":")" + phase +
      R"(","input_tokens":2048,"generate_tokens":64,"weights":")" + weights + R"(","kv_cache":")" +
      kv + R"(","ffn_layout":"ws2d","attention_sharding":"batch",)" + R"("mode":"roofline"})";
  io::Json r = io::Json::parse(api::Evaluate(request));
  EXPECT_TRUE(r.at("ok").get<bool>()) << r.dump().substr(0, 400);
  return r;
}

double Term(const io::Json& r, const char* key) { return r["breakdown"][key].get<double>(); }

TEST(Formats, BytesPerFormat) {
  model::ModelConfig m;
  m.n_layers = 2;
  m.d_model = 64;
  m.d_ff = 256;
  m.n_heads = 4;
  m.n_kv_heads = 2;
  m.d_head = 16;
  m.vocab_size = 100;
  const double bf16 = model::WeightBytes(m, model::WeightFormat::kBf16);
  EXPECT_DOUBLE_EQ(model::WeightBytes(m, model::WeightFormat::kFp8), bf16 / 2);
  EXPECT_DOUBLE_EQ(model::WeightBytes(m, model::WeightFormat::kInt8), bf16 / 2);
  EXPECT_DOUBLE_EQ(model::WeightBytes(m, model::WeightFormat::kInt4), bf16 / 4);
  EXPECT_DOUBLE_EQ(model::KvBytesPerToken(m, model::KvFormat::kFp8), model::KvBytesPerToken(m) / 2);
  EXPECT_DOUBLE_EQ(model::KvBytesPerToken(m, model::KvFormat::kInt8),
                   model::KvBytesPerToken(m) / 2);
}

// H100 has fp8 tensor cores at twice the bf16 rate (presets/hardware/h100-sxm.json): a
// compute-bound prefill's matmuls take half the time; int4 weights load in a quarter of bf16's.
TEST(Formats, Fp8ComputesInFp8WhereTheChipHasIt) {
  const io::Json bf16 = Evaluate("h100-sxm", "bf16", "bf16", "prefill", 16);
  const io::Json fp8 = Evaluate("h100-sxm", "fp8", "bf16", "prefill", 16);
  EXPECT_EQ(fp8["formats"]["matmul"], "fp8");
  EXPECT_FALSE(fp8["formats"].contains("fallback"));
  const double matmul = Term(bf16, "matmul_flops_per_chip"),
               attention = Term(bf16, "attention_flops_per_chip");
  EXPECT_NEAR(Term(bf16, "compute_s"), (matmul + attention) / 989e12, 1e-12);
  EXPECT_NEAR(Term(fp8, "compute_s"), matmul / 1979e12 + attention / 989e12, 1e-12);
  EXPECT_DOUBLE_EQ(Term(fp8, "weight_bytes_per_chip"), Term(bf16, "weight_bytes_per_chip") / 2);
  const io::Json int4 = Evaluate("h100-sxm", "int4", "bf16", "decode", 64);
  const io::Json dec = Evaluate("h100-sxm", "bf16", "bf16", "decode", 64);
  EXPECT_EQ(int4["formats"]["matmul"], "bf16");  // weight-only
  EXPECT_DOUBLE_EQ(Term(int4, "weight_load_s"), Term(dec, "weight_load_s") / 4);
  EXPECT_DOUBLE_EQ(int4["memory"]["weights_bytes"].get<double>(),
                   dec["memory"]["weights_bytes"].get<double>() / 4);
}

TEST(Formats, ChipWithoutFp8FallsBackToBf16AndSaysSo) {
  const io::Json fp8 = Evaluate("tpu-v6e", "fp8", "bf16", "prefill", 16);
  const io::Json bf16 = Evaluate("tpu-v6e", "bf16", "bf16", "prefill", 16);
  EXPECT_EQ(fp8["formats"]["matmul"], "bf16");
  ASSERT_TRUE(fp8["formats"].contains("fallback"));
  EXPECT_NE(fp8["formats"]["fallback"].get<std::string>().find("bf16"), std::string::npos);
  EXPECT_DOUBLE_EQ(Term(fp8, "compute_s"), Term(bf16, "compute_s"));
  EXPECT_DOUBLE_EQ(Term(fp8, "weight_bytes_per_chip"), Term(bf16, "weight_bytes_per_chip") / 2);
  EXPECT_EQ(fp8["breakdown"]["terms"][0]["inputs"]["matmul_format"], "bf16");
}

TEST(Formats, KvCacheFormatHalvesTheCache) {
  const io::Json bf16 = Evaluate("h100-sxm", "bf16", "bf16", "decode", 64);
  for (const char* kv : {"fp8", "int8"}) {
    const io::Json small = Evaluate("h100-sxm", "bf16", kv, "decode", 64);
    EXPECT_DOUBLE_EQ(small["memory"]["kv_cache_bytes"].get<double>(),
                     bf16["memory"]["kv_cache_bytes"].get<double>() / 2);
    EXPECT_DOUBLE_EQ(Term(small, "kv_load_s"), Term(bf16, "kv_load_s") / 2);
    EXPECT_EQ(small["scenario"]["kv_cache"], kv);
  }
  const io::Json bad = io::Json::parse(api::Evaluate(
      R"({"model":"llama-3.1-8b","hardware":"h100-sxm","chips":8,"batch":1,"phase":"decode",)"
      R"("input_tokens":16,"generate_tokens":1,"kv_cache":"int4"})"));
  EXPECT_FALSE(bad["ok"].get<bool>());
  EXPECT_EQ(bad["error"]["code"], "invalid_value");
  EXPECT_EQ(bad["error"]["path"], "/kv_cache");
}

}  // namespace
}  // namespace esti
