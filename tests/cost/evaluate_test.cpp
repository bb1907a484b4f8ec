#include "cost/evaluate.h"

#include <gtest/gtest.h>

#include "cost/test_scenarios.h"
#include "esti/api.h"

namespace esti {
namespace {

using cost::AttentionSharding;
using cost::FfnLayout;
using cost::Phase;
using model::WeightFormat;

// ESTI Table 1: PaLM 540B on 64 chips, 30% of 32 GiB per chip for the KV cache.
TEST(Table1, MaximumContextLengths) {
  const double budget = 0.3 * 34359738368.0;
  struct Row {
    const char* model;
    AttentionSharding attention;
    int64_t batch128, batch512;
  };
  // Whole tokens that fit (the paper prints 1320/330, 660/165 and 43,000/10,700, rounded; the
  // budget over the KV bytes per token per chip gives 1333 / 666.5 / 42,654 before flooring).
  for (const Row& r : {Row{"palm-540b-multihead", AttentionSharding::kHeads, 1332, 333},
                       Row{"palm-540b-padded", AttentionSharding::kHeads, 666, 166},
                       Row{"palm-540b-padded", AttentionSharding::kBatch, 42653, 10663}}) {
    SCOPED_TRACE(r.model);
    for (auto [batch, expected] : {std::pair{128, r.batch128}, std::pair{512, r.batch512}}) {
      cost::Scenario s = testing::PaperScenario(r.model, 64, Phase::kDecode, batch,
                                                WeightFormat::kBf16, FfnLayout::kWs2d, r.attention);
      EXPECT_EQ(cost::MaxContextTokens(s, budget), expected) << batch;
    }
  }
}

// ESTI Table 2: the MFU of the published latencies is 43 / 14 / 76 / 33 %.
TEST(Table2, MfuOfPublishedLatencies) {
  const double peak = 275e12;
  EXPECT_NEAR(cost::ModelFlopsUtilization(540e9, 2048, 64, peak, 0.29), 0.434, 0.005);
  EXPECT_NEAR(cost::ModelFlopsUtilization(540e9, 64 * 64, 64, peak, 1.82), 0.138, 0.005);
  EXPECT_NEAR(cost::ModelFlopsUtilization(540e9, 512 * 2048, 64, peak, 85.2), 0.756, 0.005);
  EXPECT_NEAR(cost::ModelFlopsUtilization(540e9, 512 * 64, 64, peak, 6.0), 0.335, 0.005);
}

// Lower bounds (ESTI §2.1 roofline terms) for 540B on 64 chips: weight load 14.07 / 7.04 ms per
// step, compute 3.93 ms at B = 64, KV load 0.206 ms at B = 64 (batch-sharded multiquery).
TEST(Roofline, PaperLowerBoundsPerDecodeStep) {
  cost::Scenario s =
      testing::PaperScenario("palm-540b", 64, Phase::kDecode, 64, WeightFormat::kInt8,
                             FfnLayout::kWs2d, AttentionSharding::kBatch);
  cost::PassTerms p = cost::PassModel(s, 1).At(2048);
  EXPECT_NEAR(p.weight_load_s * 1e3, 7.04, 0.01);
  EXPECT_NEAR(p.matmul_flops / 275e12 * 1e3, 3.93, 0.01);
  EXPECT_NEAR(p.kv_load_s * 1e3, 0.206, 0.001);
  s.plan.weights = WeightFormat::kBf16;
  EXPECT_NEAR(cost::PassModel(s, 1).At(2048).weight_load_s * 1e3, 14.07, 0.01);
}

// The closed-form sum over decode steps equals stepping one token at a time.
TEST(Decode, PiecewiseSumEqualsStepByStep) {
  for (cost::Mode mode : {cost::Mode::kRoofline, cost::Mode::kCalibrated}) {
    for (int64_t batch : {1, 64, 512, 4096}) {
      cost::Scenario s =
          testing::PaperScenario("palm-62b", 32, Phase::kDecode, batch, WeightFormat::kBf16,
                                 FfnLayout::kWs2d, AttentionSharding::kHeads, mode);
      s.workload.input_tokens = 100;
      s.workload.generate_tokens = 3000;  // long enough for KV load to overtake weight load
      cost::PassModel pm(s, 1);
      double brute = 0;
      for (int64_t i = 0; i < s.workload.generate_tokens; ++i) brute += pm.At(100.0 + i).time_s;
      EXPECT_NEAR(cost::Evaluate(s).latency_s, brute, brute * 1e-12) << batch;
    }
  }
}

double Latency(cost::Scenario s) { return cost::Evaluate(s).latency_s; }

TEST(Invariants, LatencyIsMonotoneInBatchAndContext) {
  for (Phase phase : {Phase::kPrefill, Phase::kDecode}) {
    for (FfnLayout layout : cost::kAllFfnLayouts) {
      cost::Scenario s =
          testing::PaperScenario("palm-540b", 64, phase, 1, WeightFormat::kBf16, layout,
                                 AttentionSharding::kBatch, cost::Mode::kCalibrated);
      double prev = 0;
      for (int64_t b = 1; b <= 4096; b *= 2) {
        s.workload.batch = b;
        double t = Latency(s);
        EXPECT_GE(t, prev) << cost::ToString(layout) << " batch " << b;
        prev = t;
      }
      s.workload.batch = 16;
      prev = 0;
      for (int64_t ctx = 1; ctx <= 65536; ctx *= 4) {
        s.workload.input_tokens = ctx;
        double t = Latency(s);
        EXPECT_GE(t, prev) << cost::ToString(layout) << " context " << ctx;
        prev = t;
      }
    }
  }
}

TEST(Invariants, MoreChipsNeverRaiseWeightLoadPerChip) {
  double prev = 1e300;
  for (int64_t chips : {1, 2, 4, 8, 16, 32, 64, 128, 256, 512}) {
    cost::Scenario s =
        testing::PaperScenario("palm-62b", chips, Phase::kDecode, 64, WeightFormat::kBf16,
                               FfnLayout::kWs2d, AttentionSharding::kBatch);
    double w = cost::Evaluate(s).totals.weight_load_s;
    EXPECT_LE(w, prev) << chips;
    prev = w;
  }
}

TEST(Invariants, Int8NeverSlowerThanBf16InSmallBatchDecode) {
  for (const char* m : {"palm-8b", "palm-62b", "palm-540b"}) {
    for (int64_t chips : {16, 64, 256}) {
      for (int64_t batch : {1, 4, 16, 64}) {
        for (cost::Mode mode : {cost::Mode::kRoofline, cost::Mode::kCalibrated}) {
          cost::Scenario s =
              testing::PaperScenario(m, chips, Phase::kDecode, batch, WeightFormat::kBf16,
                                     FfnLayout::kWs2d, AttentionSharding::kBatch, mode);
          double bf16 = Latency(s);
          s.plan.weights = WeightFormat::kInt8;
          EXPECT_LE(Latency(s), bf16) << m << " " << chips << " " << batch;
        }
      }
    }
  }
}

TEST(Invariants, EveryOutputIsFiniteAndPositive) {
  for (const char* m : {"tiny", "palm-8b", "palm-540b-multihead", "mt-nlg-530b"}) {
    for (FfnLayout layout : cost::kAllFfnLayouts) {
      for (AttentionSharding a : {AttentionSharding::kHeads, AttentionSharding::kBatch}) {
        for (Phase phase : {Phase::kPrefill, Phase::kDecode}) {
          cost::Scenario s = testing::PaperScenario(m, 128, phase, 3, WeightFormat::kInt8, layout,
                                                    a, cost::Mode::kCalibrated);
          cost::Evaluation ev = cost::Evaluate(s);
          for (double v : {ev.latency_s, ev.mfu, ev.cost_chip_s_per_token, ev.memory.total_bytes}) {
            EXPECT_TRUE(std::isfinite(v) && v > 0) << m << " " << cost::ToString(layout);
          }
          EXPECT_LE(ev.mfu, 1.0);
        }
      }
    }
  }
}

TEST(Memory, DoesNotFitNamesWhatOverflows) {
  cost::Scenario s = testing::PaperScenario("palm-540b", 8, Phase::kDecode, 64, WeightFormat::kBf16,
                                            FfnLayout::kWs2d, AttentionSharding::kBatch);
  cost::Evaluation ev = cost::Evaluate(s);
  EXPECT_FALSE(ev.fits);
  ASSERT_GE(ev.does_not_fit.size(), 2u);
  EXPECT_NE(ev.does_not_fit[1].find("weights"), std::string::npos);  // the largest part first
  // Baseline multiquery replicates the KV cache: at batch 512 it overflows, batch sharding fits.
  s = testing::PaperScenario("palm-540b-padded", 64, Phase::kDecode, 512, WeightFormat::kBf16,
                             FfnLayout::kWs2d, AttentionSharding::kHeads);
  ev = cost::Evaluate(s);
  EXPECT_FALSE(ev.fits);
  EXPECT_NE(ev.does_not_fit[1].find("KV cache"), std::string::npos);
  s.plan.attention = AttentionSharding::kBatch;
  EXPECT_TRUE(cost::Evaluate(s).fits);
}

io::Json Call(const std::string& request) { return io::Json::parse(api::Evaluate(request)); }

TEST(EvaluateApi, IssueExampleScenario) {
  io::Json r = Call(R"({"schema_version":1,"model":"palm-540b","hardware":"tpu-v4","chips":64,
    "phase":"decode","batch":64,"input_tokens":2048,"generate_tokens":64,"weights":"int8",
    "ffn_layout":"ws2d","attention_sharding":"batch","mode":"calibrated"})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  for (const char* k : {"latency_s", "latency_per_token_s", "mfu", "cost_chip_s_per_token",
                        "memory_per_chip_bytes"}) {
    EXPECT_GT(r[k].get<double>(), 0) << k;
  }
  EXPECT_EQ(r["topology"], io::Json::parse("[4,4,4]"));
  EXPECT_TRUE(r["fits"].get<bool>());
  const io::Json& b = r["breakdown"];
  for (const char* k : {"compute_s", "weight_load_s", "kv_load_s", "comm_s"})
    EXPECT_GT(b[k].get<double>(), 0) << k;
  EXPECT_EQ(b["collectives"].size(), 6u);
  // The concrete scenario echoed back evaluates to the same numbers.
  io::Json again = Call(r["scenario"].dump());
  EXPECT_EQ(again["latency_s"], r["latency_s"]);
}

TEST(EvaluateApi, AutoPicksAFittingLayoutAndTopologyReplacesChips) {
  io::Json r = Call(R"({"model":"palm-540b","topology":[4,4,8],"phase":"prefill","batch":512,
    "input_tokens":2048,"weights":"bf16","ffn_layout":"auto","attention_sharding":"auto"})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["chips"], 128);
  EXPECT_EQ(r["ffn_layout"].get<std::string>().rfind("wg_", 0), 0u);
}

TEST(EvaluateApi, MalformedScenariosGiveCodeAndPath) {
  struct Case {
    const char* scenario;
    const char* code;
    const char* path;
  };
  for (
      const Case& c :
      {Case{R"({"chips":64,"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8})",
            "missing_field", "/model"},
       Case{
           R"({"model":"palm-8b","phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8})",
           "missing_field", "/chips"},
       Case{
           R"({"model":"palm-8b","chips":5,"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8})",
           "invalid_topology", "/chips"},
       Case{
           R"({"model":"palm-8b","chips":[8,16],"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8})",
           "type_error", "/chips"},
       Case{
           R"({"model":"palm-8b","topology":[4,6,4],"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8})",
           "invalid_topology", "/topology/1"},
       Case{
           R"({"model":"palm-8b","chips":8,"topology":[2,2,2],"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8})",
           "invalid_value", "/chips"},
       Case{
           R"({"model":"palm-8b","chips":8,"phase":"train","batch":8,"input_tokens":128,"generate_tokens":8})",
           "invalid_value", "/phase"},
       Case{
           R"({"model":"palm-8b","chips":8,"phase":"decode","batch":0,"input_tokens":128,"generate_tokens":8})",
           "out_of_range", "/batch"},
       Case{
           R"({"model":"palm-8b","chips":8,"phase":"decode","batch":2.5,"input_tokens":128,"generate_tokens":8})",
           "type_error", "/batch"},
       Case{R"({"model":"palm-8b","chips":8,"phase":"decode","batch":8,"input_tokens":128})",
            "missing_field", "/generate_tokens"},
       Case{R"({"model":"palm-8b","chips":8,"phase":"prefill","batch":8,"input_tokens":0})",
            "out_of_range", "/input_tokens"},
       Case{
           R"({"model":"palm-8b","chips":8,"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8,"weights":"fp4"})",
           "invalid_value", "/weights"},
       Case{
           R"({"model":"palm-8b","chips":8,"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8,"ffn_layout":"ws3d"})",
           "invalid_value", "/ffn_layout"},
       Case{
           R"({"model":"palm-8b","chips":8,"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8,"mode":"exact"})",
           "invalid_value", "/mode"},
       Case{
           R"({"model":"palm-8b","chips":8,"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8,"colour":"red"})",
           "unknown_key", "/colour"},
       Case{
           R"({"model":"palm-8b","chips":8,"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8,"axis_roles":[0,0,1]})",
           "invalid_value", "/axis_roles/1"},
       Case{
           R"({"model":{"n_layers":2},"chips":8,"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8})",
           "missing_field", "/model/d_model"},
       Case{
           R"({"model":"palm-8b","hardware":"h100","chips":8,"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8})",
           "unknown_preset", "/hardware"},
       Case{
           R"({"schema_version":7,"model":"palm-8b","chips":8,"phase":"decode","batch":8,"input_tokens":128,"generate_tokens":8})",
           "unsupported_version", "/schema_version"}}) {
    io::Json r = Call(c.scenario);
    ASSERT_FALSE(r["ok"].get<bool>()) << c.scenario;
    EXPECT_EQ(r["error"]["code"], c.code) << c.scenario;
    EXPECT_EQ(r["error"]["path"], c.path) << c.scenario;
  }
}

}  // namespace
}  // namespace esti
