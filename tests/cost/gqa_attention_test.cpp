// The GQA hybrid attention sharding (docs/gqa-attention.md): K/V heads over some role axes, batch
// over the rest. Expected numbers are computed by hand in the comments from the model's published
// dimensions (presets/models/llama-3.1-70b.json: 80 layers, 64 query heads, 8 K/V heads, d_head
// 128) and the formulas of pass.h, not copied from the output.
#include <gtest/gtest.h>

#include <string>

#include "cost/pass.h"
#include "esti/api.h"
#include "esti/io/json_input.h"
#include "hardware/topology.h"
#include "io/spec_io.h"

namespace esti {
namespace {

io::Json Answer(const std::string& text) {
  io::Json r = io::Json::parse(text);
  EXPECT_TRUE(r.at("ok").get<bool>()) << r.dump().substr(0, 400);
  return r;
}

// Llama 3.1 70B decode on 64 TPU v4 chips (4x4x4): 8192-token prompt, 64 generated tokens.
std::string Llama70b(const std::string& attention, int batch, const std::string& extra = "") {
  return R"({"model":"llama-3.1-70b","hardware":"tpu-v4","chips":64,"batch":)" +
         std::to_string(batch) +
         R"(,"phase":"decode","input_tokens":8192,"generate_tokens":64,"weights":"int8",)"
         R"("ffn_layout":"ws2d","attention_sharding":")" +
         attention + R"(","mode":"roofline")" + extra + "}";
}

const io::Json* Collective(const io::Json& r, const std::string& name) {
  for (const io::Json& c : r["breakdown"]["collectives"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

std::string NotationOf(const io::Json& r, const std::string& tensor) {
  for (const io::Json& t : r["sharding"]) {
    if (t["tensor"] == tensor) return t["notation"];
  }
  return "";
}

// KV per chip = sequences per chip x context x 2 (K and V) x 80 layers x K/V heads per chip x 128
// x 2 bytes (bf16), context at the end of decode = 8192 + 64 = 8256.
constexpr double kKvBytesPerSeqPerKvHead = 8256.0 * 2 * 80 * 128 * 2;  // 338,165,760

TEST(GqaAttention, HybridSplitsKvHeadsOverOneAxisAndBatchOverTwo) {
  const io::Json r = Answer(api::Evaluate(Llama70b("hybrid", 16)));
  // 8 K/V heads: x, y or z (4 chips each) divides 8; two axes (16) would replicate. Lowest axis x.
  EXPECT_EQ(r["attention_head_ways"], 4);
  EXPECT_EQ(r["attention_batch_ways"], 16);
  EXPECT_EQ(NotationOf(r, "kv_cache"), "B_yz L H_x");
  EXPECT_EQ(NotationOf(r, "attention"), "B_yz L H_x");
  // ceil(16 / 16) = 1 sequence x 8 / 4 = 2 K/V heads per chip: 676,331,520 bytes.
  EXPECT_EQ(r["memory"]["kv_cache_bytes"].get<double>(), 1 * 2 * kKvBytesPerSeqPerKvHead);
  EXPECT_EQ(r["memory"]["kv_cache_bytes"].get<double>(), 676331520.0);
  EXPECT_EQ(r["attention_use"]["kv_copies"].get<double>(), 1);
  EXPECT_EQ(r["attention_use"]["idle_chips"], 0);
  EXPECT_EQ(r["attention_use"]["split"], "batch_and_heads");
  // All-to-alls over y and z only (16 chips), the same per-chip arrays as batch sharding:
  // Q/K/V T (H + 2 n_kv) d_head a / n = 16 x 80 x 128 x 2 / 64 = 5,120 B, output 16 x 64 x 128 x
  // 2 / 64 = 4,096 B per layer (T = 16 tokens per decode step).
  const io::Json* qkv = Collective(r, "attention_qkv_all_to_all");
  const io::Json* out = Collective(r, "attention_out_all_to_all");
  ASSERT_NE(qkv, nullptr);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ((*qkv)["axes"], "yz");
  EXPECT_EQ((*qkv)["group_size"], 16);
  EXPECT_EQ((*qkv)["bytes_per_chip_per_layer"].get<double>(), 5120.0);
  EXPECT_EQ((*out)["axes"], "yz");
  EXPECT_EQ((*out)["bytes_per_chip_per_layer"].get<double>(), 4096.0);
}

TEST(GqaAttention, PureShardingsReplicateOrIdleWhereTheHybridDoesNot) {
  const io::Json b = Answer(api::Evaluate(Llama70b("batch", 16)));
  // ceil(16 / 64) = 1 sequence with all 8 K/V heads: 2,705,326,080 bytes; 48 chips idle.
  EXPECT_EQ(b["memory"]["kv_cache_bytes"].get<double>(), 8 * kKvBytesPerSeqPerKvHead);
  EXPECT_EQ(b["attention_use"]["idle_chips"], 48);
  const io::Json* qkv = Collective(b, "attention_qkv_all_to_all");
  ASSERT_NE(qkv, nullptr);
  EXPECT_EQ((*qkv)["axes"], "xyz");
  EXPECT_EQ((*qkv)["group_size"], 64);
  EXPECT_EQ((*qkv)["bytes_per_chip_per_layer"].get<double>(), 5120.0);
  const io::Json h = Answer(api::Evaluate(Llama70b("heads", 16)));
  // 64 head ways over 8 K/V heads: each chip keeps 1 K/V head (8 copies) for all 16 sequences:
  // 5,410,652,160 bytes.
  EXPECT_EQ(h["memory"]["kv_cache_bytes"].get<double>(), 16 * kKvBytesPerSeqPerKvHead);
  EXPECT_EQ(h["attention_use"]["kv_copies"].get<double>(), 8);
  EXPECT_EQ(Collective(h, "attention_qkv_all_to_all"), nullptr);
}

// Where it should win (decode at long context, batch below the chips) the search picks it; where
// it should not (prefill of one long prompt: 15 of 16 batch shards empty, while heads sharding
// keeps every chip busy without all-to-alls) it does not.
TEST(GqaAttention, SearchPicksTheHybridWhereItIsBetter) {
  const std::string decode =
      R"({"model":"llama-3.1-70b","hardware":"tpu-v4","chips":64,"batch":16,"phase":"decode",)"
      R"("input_tokens":8192,"generate_tokens":64,"weights":"int8","ffn_layout":"auto",)"
      R"("attention_sharding":"auto","mode":"calibrated"})";
  const io::Json d = Answer(api::Search(decode));
  EXPECT_EQ(d["best"]["attention_sharding"], "hybrid") << d["best"].dump().substr(0, 300);
  const std::string prefill =
      R"({"model":"llama-3.1-70b","hardware":"tpu-v4","chips":64,"batch":1,"phase":"prefill",)"
      R"("input_tokens":8192,"weights":"int8","ffn_layout":"auto","attention_sharding":"auto",)"
      R"("mode":"calibrated"})";
  const io::Json p = Answer(api::Search(prefill));
  EXPECT_NE(p["best"]["attention_sharding"], "hybrid") << p["best"].dump().substr(0, 300);
}

// On GPU nodes the heads take the InfiniBand axis so the all-to-alls stay inside NVLink
// (presets/hardware/h100-sxm.json: 8-GPU NVLink domains, then the NIC between nodes).
TEST(GqaAttention, HeadsGoOnTheSlowerLevel) {
  cost::Plan plan;
  const hardware::ChipSpec h100 = io::ParseHardware(io::Json("h100-sxm"), "").value();
  plan.topology = hardware::ChooseTopology(h100, 64, "").value();
  plan.ffn_layout = cost::FfnLayout::kWs2d;
  plan.attention = cost::AttentionSharding::kHybrid;
  const uint8_t heads = cost::HybridHeadRoles(plan, 8);
  ASSERT_NE(heads, 0);
  int64_t product = 1;
  for (int r = 0; r < 3; ++r) {
    if (!(heads & (1 << r))) continue;
    const int phys = plan.roles.physical[r];
    EXPECT_EQ(plan.topology.level[phys], 1) << plan.topology.ToString();
    product *= plan.topology.dims[phys];
  }
  EXPECT_EQ(product, 8);
  const cost::AttentionSplit split = cost::SplitAttention(plan, 8);
  for (int r = 0; r < 3; ++r) {
    if (split.all_to_all_roles & (1 << r)) {
      const int phys = plan.roles.physical[r];
      EXPECT_TRUE(plan.topology.dims[phys] == 1 || plan.topology.level[phys] == 0);
    }
  }
}

TEST(GqaAttention, HeadRolesDivideOrBestMatchTheKvHeads) {
  const hardware::ChipSpec v4 = io::ParseHardware(io::Json("tpu-v4"), "").value();
  cost::Plan plan;
  plan.ffn_layout = cost::FfnLayout::kWs2d;
  plan.attention = cost::AttentionSharding::kHybrid;
  plan.topology = hardware::MakeTopology(v4, {4, 4, 4}, "").value();
  // 12 K/V heads: one axis of 4 divides 12; two axes (16) are more than 12.
  EXPECT_EQ(cost::SplitAttention(plan, 12).head_ways, 4);
  // 16: two axes, 16 ways, batch over the third; all-to-all over that one axis.
  const cost::AttentionSplit s16 = cost::SplitAttention(plan, 16);
  EXPECT_EQ(s16.head_ways, 16);
  EXPECT_EQ(s16.head_roles, cost::kRolesXy);
  EXPECT_EQ(s16.all_to_all_roles, cost::kRoleZ);
  // 64 K/V heads: every axis, i.e. heads sharding: not offered.
  EXPECT_FALSE(cost::HybridIsDistinct(plan, 64));
  // 2x2x2, 6 K/V heads: 2 divides 6 (3 heads each) and wins over 4 (ceil(6/4) = 2 each, but
  // 8 K/V head slots for 6 heads).
  plan.topology = hardware::MakeTopology(v4, {2, 2, 2}, "").value();
  EXPECT_EQ(cost::SplitAttention(plan, 6).head_ways, 2);
  // 3 K/V heads on 4x4x4: no axis fits (4 > 3): the hybrid is batch sharding.
  plan.topology = hardware::MakeTopology(v4, {4, 4, 4}, "").value();
  EXPECT_EQ(cost::HybridHeadRoles(plan, 3), 0);
  EXPECT_FALSE(cost::HybridIsDistinct(plan, 3));
}

// Multiquery (PaLM, 1 K/V head): the hybrid is batch sharding, never offered by the search, and an
// explicit request evaluates to exactly batch sharding's numbers.
TEST(GqaAttention, MultiqueryHybridIsBatchSharding) {
  const hardware::ChipSpec v4 = io::ParseHardware(io::Json("tpu-v4"), "").value();
  cost::Plan plan;
  plan.attention = cost::AttentionSharding::kHybrid;
  plan.topology = hardware::MakeTopology(v4, {4, 4, 4}, "").value();
  for (cost::FfnLayout l : cost::kAllFfnLayouts) {
    plan.ffn_layout = l;
    EXPECT_FALSE(cost::HybridIsDistinct(plan, 1));
  }
  const std::string base =
      R"({"model":"palm-540b","hardware":"tpu-v4","chips":64,"batch":64,"phase":"decode",)"
      R"("input_tokens":2048,"generate_tokens":64,"weights":"int8","ffn_layout":"ws2d",)"
      R"("mode":"calibrated","attention_sharding":")";
  const io::Json hy = Answer(api::Evaluate(base + R"(hybrid"})"));
  const io::Json ba = Answer(api::Evaluate(base + R"(batch"})"));
  EXPECT_EQ(hy["latency_s"], ba["latency_s"]);
  EXPECT_EQ(hy["memory"], ba["memory"]);
  EXPECT_EQ(hy["attention_use"]["split"], "batch");
}

// maxContext lists the hybrid for GQA (ws2d, batch 16 on 64 chips): 1 sequence x 2 x 80 layers x
// 2 K/V heads x 128 x 2 bytes = 81,920 bytes per token per chip, a quarter of batch sharding's
// (8 K/V heads) and an eighth of heads sharding's (16 sequences x 1 K/V head); PaLM (multiquery)
// lists only the paper's two.
TEST(GqaAttention, MaxContextListsTheHybridForGqaOnly) {
  const io::Json l = Answer(
      api::MaxContext(R"({"model":"llama-3.1-70b","chips":64,"batch":16,"weights":"int8"})"));
  ASSERT_EQ(l["layouts"].size(), 3u);
  EXPECT_EQ(l["layouts"][2]["attention_sharding"], "hybrid");
  EXPECT_EQ(l["layouts"][2]["kv_bytes_per_token_per_chip"].get<double>(), 81920.0);
  EXPECT_EQ(l["layouts"][1]["kv_bytes_per_token_per_chip"].get<double>(), 4 * 81920.0);
  EXPECT_EQ(l["layouts"][0]["kv_bytes_per_token_per_chip"].get<double>(), 8 * 81920.0);
  const io::Json p =
      Answer(api::MaxContext(R"({"model":"palm-540b","chips":64,"batch":16,"weights":"int8"})"));
  ASSERT_EQ(p["layouts"].size(), 2u);
}

TEST(GqaAttention, SchemaListsTheHybrid) {
  const io::Json s = io::Json::parse(api::Schema());
  bool found = false;
  for (const io::Json& f : s["documents"]["scenario"]["fields"]) {
    if (f["key"] != "attention_sharding") continue;
    for (const io::Json& v : f["values"]) found = found || v["value"] == "hybrid";
  }
  EXPECT_TRUE(found) << s.dump().substr(0, 300);
}

TEST(GqaAttention, TheMeshDecoderRefusesTheHybridNamingTheField) {
  const io::Json r = io::Json::parse(api::Decode(
      R"({"model":"tiny","prompt":[1],"tokens":2,"mesh":"2x2x1","attention_sharding":"hybrid"})"));
  ASSERT_FALSE(r["ok"].get<bool>());
  EXPECT_EQ(r["error"]["code"], "invalid_value");
  EXPECT_EQ(r["error"]["path"], "/attention_sharding");
}

}  // namespace
}  // namespace esti
