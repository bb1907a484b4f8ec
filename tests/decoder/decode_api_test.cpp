#include <gtest/gtest.h>

#include <string>

#include "decoder/decoder_test_util.h"
#include "esti/api.h"
#include "esti/cost/counts.h"
#include "esti/decoder/weights.h"
#include "esti/io/json_input.h"
#include "esti/io/safetensors.h"

namespace esti {
namespace {

io::Json Call(const std::string& request, std::string_view checkpoint = {}) {
  return io::Json::parse(api::Decode(request, checkpoint));
}

TEST(DecodeApi, ReturnsTokensRatesAndCounts) {
  io::Json j = Call(R"({"model": "tiny", "prompt": [1, 2, 3], "tokens": 4, "batch": 2})");
  ASSERT_TRUE(j["ok"].get<bool>()) << j.dump();
  ASSERT_EQ(j["tokens"].size(), 2u);
  EXPECT_EQ(j["tokens"][0].size(), 4u);
  EXPECT_EQ(j["tokens"][0], j["tokens"][1]);  // greedy from the same prompt
  EXPECT_GT(j["tokens_per_s"].get<double>(), 0);
  EXPECT_EQ(j["weights"], "int8");
  EXPECT_EQ(j["layer_hashes"].size(), 3u);  // 2 layers + unembedding
  // Decode counts: 3 steps of batch 2 at contexts 3, 4, 5.
  model::ModelConfig m = decoder::testing::Tiny();
  double flops = 0;
  for (int c = 3; c <= 5; ++c)
    flops += cost::CountForward(m, 2, c, 1, model::WeightFormat::kInt8, false, 4).matmul_flops;
  EXPECT_DOUBLE_EQ(j["counts"]["decode"]["matmul_flops"].get<double>(), flops);
}

TEST(DecodeApi, BadRequestsAreCodedErrors) {
  struct Case {
    const char* request;
    const char* code;
    const char* path;
  };
  const Case cases[] = {
      {R"({"model": "nope", "prompt": [1], "tokens": 1})", "unknown_preset", "/model"},
      {R"({"model": "tiny", "prompt": [1, 256], "tokens": 1})", "out_of_range", "/prompt/1"},
      {R"({"model": "tiny", "prompt": [-1], "tokens": 1})", "out_of_range", "/prompt/0"},
      {R"({"model": "tiny", "prompt": [], "tokens": 1})", "out_of_range", "/prompt"},
      {R"({"model": "tiny", "prompt": "1,2", "tokens": 1})", "type_error", "/prompt"},
      {R"({"model": "tiny", "prompt": [1], "tokens": 0})", "out_of_range", "/tokens"},
      {R"({"model": "tiny", "prompt": [1], "tokens": 1, "batch": 65})", "out_of_range", "/batch"},
      {R"({"model": "tiny", "prompt": [1], "tokens": 1, "weights": "int4"})", "invalid_value", "/weights"},
      {R"({"model": "tiny", "prompt": [1], "tokens": 1, "top_p": 0})", "out_of_range", "/top_p"},
      {R"({"model": "tiny", "prompt": [1], "tokens": 1, "temperature": -1})", "out_of_range", "/temperature"},
      {R"({"model": "tiny", "prompt": [1], "tokens": 1, "extra": 1})", "unknown_key", "/extra"},
      {R"({"model": "palm-540b", "prompt": [1], "tokens": 1})", "too_large", "/model"},
      {R"({"model": "tiny", "prompt": [1], "tokens": 8192})", "out_of_range", "/tokens"},
      // Small weights, but a KV cache of 64 x 4097 positions x 512 KiB.
      {R"({"model": {"n_layers": 64, "d_model": 64, "d_ff": 64, "n_heads": 16, "d_head": 64,
           "vocab_size": 8}, "prompt": [1], "tokens": 4096, "batch": 64})", "too_large", "/tokens"},
      {R"({"model": {"n_layers": 1, "d_model": 8, "d_ff": 8, "n_heads": 1, "d_head": 8,
           "vocab_size": 8, "ffn_type": "gelu"}, "prompt": [1], "tokens": 1})", "invalid_value",
       "/model/ffn_type"},
  };
  for (const Case& c : cases) {
    io::Json j = Call(c.request);
    ASSERT_FALSE(j["ok"].get<bool>()) << c.request;
    EXPECT_EQ(j["error"]["code"], c.code) << c.request << " -> " << j.dump();
    EXPECT_EQ(j["error"]["path"], c.path) << c.request << " -> " << j.dump();
  }
}

// Weights written to a safetensors checkpoint and read back decode exactly like the generated ones,
// in both formats (the int8 weights quantize the same fp32 rows).
TEST(DecodeApi, SafetensorsCheckpointRoundTrip) {
  for (const char* fmt : {"int8", "fp32"}) {
    for (const char* block : {"parallel", "serial"}) {
      SCOPED_TRACE(std::string(fmt) + " " + block);
      io::Json model = {{"n_layers", 2}, {"d_model", 32}, {"d_ff", 64},  {"n_heads", 4},
                        {"n_kv_heads", 2}, {"d_head", 8},  {"vocab_size", 50},
                        {"block_type", block}, {"shared_embedding", std::string(block) == "parallel"}};
      model::ModelConfig m = io::ParseModel(model, "").value();
      decoder::Weights w = decoder::GenerateWeights(m, decoder::WeightKind::kFp32, 4);
      std::vector<io::SafetensorsEntry> entries;
      for (const decoder::NamedTensor& t : decoder::TensorsOf(m, w))
        entries.push_back({t.name, t.dtype, t.shape, t.data});
      std::vector<uint8_t> file = io::WriteSafetensors(entries);
      io::Json req = {{"model", model}, {"prompt", {1, 2, 3}}, {"tokens", 6}, {"seed", 4}, {"weights", fmt}};
      io::Json from_seed = Call(req.dump());
      io::Json from_file = Call(req.dump(), {reinterpret_cast<const char*>(file.data()), file.size()});
      ASSERT_TRUE(from_file["ok"].get<bool>()) << from_file.dump();
      EXPECT_EQ(from_file["tokens"], from_seed["tokens"]);
      EXPECT_EQ(from_file.value("layer_hashes", io::Json()), from_seed.value("layer_hashes", io::Json()));
      // A checkpoint of another shape is rejected with the tensor's name.
      model["d_ff"] = 65;
      req["model"] = model;
      io::Json bad = Call(req.dump(), {reinterpret_cast<const char*>(file.data()), file.size()});
      ASSERT_FALSE(bad["ok"].get<bool>());
      EXPECT_EQ(bad["error"]["code"], "invalid_value");
      EXPECT_EQ(bad["error"]["path"], "/checkpoint/model.layers.0.mlp.gate_proj.weight");
    }
  }
}

}  // namespace
}  // namespace esti

namespace esti::api {
namespace {

// The sharded decoder through the api: the same tokens as the unsharded decoder, and every
// collective of the cost model with equal elements.
TEST(DecodeApiMesh, ShardedRunEqualsUnshardedAndListsCollectives) {
  const std::string base =
      R"({"model": "tiny", "prompt": [1, 2, 3], "tokens": 3, "batch": 8, "hashes": false)";
  const io::Json plain = io::Json::parse(Decode(base + "}"));
  ASSERT_TRUE(plain["ok"].get<bool>());
  for (const char* layout : {"ws1d", "ws2d", "wg_x", "wg_xy", "wg_xyz"}) {
    const io::Json j = io::Json::parse(Decode(base + R"(, "mesh": "2x2x1", "ffn_layout": ")" +
                                              layout + R"(", "attention_sharding": "batch"})"));
    ASSERT_TRUE(j["ok"].get<bool>()) << j.dump();
    EXPECT_EQ(j["tokens"], plain["tokens"]) << layout;
    EXPECT_EQ(j["transport"], "local");
    int in_model = 0;
    for (const io::Json& c : j["collectives"]) {
      if (!c["in_cost_model"].get<bool>()) continue;
      ++in_model;
      EXPECT_TRUE(c["match"].get<bool>()) << layout << " " << c.dump();
      EXPECT_GT(c["bytes_measured"].get<double>(), 0);
    }
    EXPECT_GT(in_model, 0);
    ASSERT_EQ(j["memory_per_chip"].size(), 4u);
    EXPECT_EQ(j["memory_per_chip"][0]["weight_elements"].get<double>(),
              j["memory_per_chip"][0]["weight_elements_model"].get<double>());
  }
}

TEST(DecodeApiMesh, LinkFitPredictsEachCollectivesSeconds) {
  const io::Json link = io::Json::parse(MeasureLink(
      R"({"mesh": "2x1x1", "min_bytes_log2": 10, "max_bytes_log2": 14, "repeats": 3})"));
  ASSERT_TRUE(link["ok"].get<bool>()) << link.dump();
  EXPECT_EQ(link["samples"].size(), 4u * 5u);  // 4 kinds x 5 sizes over x
  const io::Json j = io::Json::parse(Decode(
      R"({"model": "tiny", "prompt": [1, 2], "tokens": 2, "mesh": "2x1x1", "ffn_layout": "ws1d",
          "link": {"latency_s": 1e-6, "bandwidth_bytes_per_s": 1e9}})"));
  ASSERT_TRUE(j["ok"].get<bool>()) << j.dump();
  for (const io::Json& c : j["collectives"]) {
    EXPECT_DOUBLE_EQ(c["seconds_model"].get<double>(),
                     c["calls"].get<double>() * 1e-6 + c["bytes_sent"].get<double>() / 1e9);
  }
  const io::Json bad = io::Json::parse(Decode(
      R"({"model": "tiny", "prompt": [1], "tokens": 1, "mesh": "2x1x1", "link": {"latency_s": 1}})"));
  EXPECT_EQ(bad["error"]["path"], "/link/bandwidth_bytes_per_s");
  EXPECT_EQ(io::Json::parse(MeasureLink(R"({"mesh": "2x1"})"))["error"]["path"], "/mesh");
}

TEST(DecodeApiMesh, BadMeshesAndLayoutsAreCodedErrorsNamingTheField) {
  const std::string base = R"({"model": "tiny", "prompt": [1], "tokens": 2)";
  struct Case {
    std::string extra, path;
  };
  for (const Case& c : std::vector<Case>{
           {R"(, "mesh": "3x3"})", "/mesh"},
           {R"(, "mesh": "0x1x1"})", "/mesh"},
           {R"(, "mesh": "8x8x8"})", "/mesh"},
           {R"(, "mesh": "2x1x1", "ffn_layout": "ws3d"})", "/ffn_layout"},
           {R"(, "mesh": "2x1x1", "attention_sharding": "rows"})", "/attention_sharding"},
           {R"(, "mesh": "2x1x1", "transport": "mpi"})", "/transport"},
           {R"(, "ffn_layout": "ws2d"})", "/ffn_layout"},
           {R"(, "mesh": "2x2x2", "attention_sharding": "heads", "ffn_layout": "ws1d"})",
            "/attention_sharding"},                                    // 4 heads over 8 chips
           {R"(, "mesh": "2x1x1", "transport": "pigeon"})", "/transport"},
       }) {
    const io::Json j = io::Json::parse(Decode(base + c.extra));
    ASSERT_FALSE(j["ok"].get<bool>()) << c.extra;
    EXPECT_EQ(j["error"]["path"], c.path) << c.extra << " " << j.dump();
  }
}

}  // namespace
}  // namespace esti::api
