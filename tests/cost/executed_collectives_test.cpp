#include "cost/executed_collectives.h"

#include <gtest/gtest.h>

namespace esti::cost {
namespace {

Scenario PalmOn(FfnLayout layout, AttentionSharding attention, model::BlockType block) {
  Scenario s;
  s.model.n_layers = 4;
  s.model.d_model = 256;
  s.model.d_ff = 1024;
  s.model.n_heads = 16;
  s.model.n_kv_heads = 1;
  s.model.d_head = 16;
  s.model.vocab_size = 512;
  s.model.block_type = block;
  s.chip.ici_link_bandwidth_bytes_per_s = 45e9;
  s.chip.ici_links_per_chip = 6;
  s.chip.peak_flops_per_s_bf16 = 275e12;
  s.chip.hbm_bandwidth_bytes_per_s = 1.2e12;
  s.plan.topology.dims = {4, 2, 2};
  s.plan.ffn_layout = layout;
  s.plan.attention = attention;
  s.plan.weights = model::WeightFormat::kInt8;
  s.mode = Mode::kRoofline;
  s.workload.batch = 16;
  return s;
}

// At the paper's widths (the defaults) the per-layer terms are PassModel's exactly, x layers.
TEST(ExecutedCollectives, PaperWidthsGiveThePassModelsTerms) {
  for (FfnLayout l : kAllFfnLayouts)
    for (AttentionSharding a : {AttentionSharding::kHeads, AttentionSharding::kBatch})
      for (model::BlockType b : {model::BlockType::kParallel, model::BlockType::kSerial}) {
        const Scenario s = PalmOn(l, a, b);
        const PassModel pass(s, 3);
        const std::vector<ExecutedCollective> got = ExecutedCollectives(s, 3, ExecutionWidths{});
        ASSERT_EQ(static_cast<int>(got.size()), pass.n_collectives());
        for (int i = 0; i < pass.n_collectives(); ++i) {
          EXPECT_EQ(got[i].name, pass.collective(i).name);
          EXPECT_TRUE(got[i].paper_term);
          EXPECT_EQ(got[i].bytes, pass.collective(i).bytes_per_chip * s.model.n_layers)
              << got[i].name;
        }
      }
}

// Int4 weights (half a byte each) gather half the bytes of int8 ones, as PassModel charges: the
// width is a double all the way (it once went through an int64 conversion and became 0).
TEST(ExecutedCollectives, Int4WeightGatherIsHalfOfInt8) {
  Scenario s = PalmOn(FfnLayout::kWgXyz, AttentionSharding::kBatch, model::BlockType::kParallel);
  const std::vector<ExecutedCollective> int8 = ExecutedCollectives(s, 1, ExecutionWidths{});
  s.plan.weights = model::WeightFormat::kInt4;
  const PassModel pass(s, 1);
  const std::vector<ExecutedCollective> int4 = ExecutedCollectives(s, 1, ExecutionWidths{});
  ASSERT_EQ(int4.size(), int8.size());
  bool gathered = false;
  for (size_t i = 0; i < int4.size(); ++i) {
    if (int4[i].name != "weight_all_gather") continue;
    gathered = true;
    EXPECT_GT(int4[i].bytes, 0);
    EXPECT_EQ(int4[i].bytes, int8[i].bytes / 2);
    EXPECT_EQ(int4[i].bytes,
              pass.collective(static_cast<int>(i)).bytes_per_chip * s.model.n_layers);
  }
  EXPECT_TRUE(gathered);
}

// Other widths scale each term by its own width; the extra terms appear with their formula.
TEST(ExecutedCollectives, WidthsScaleTheirTermsAndExtrasAreNamed) {
  const Scenario s =
      PalmOn(FfnLayout::kWs2d, AttentionSharding::kBatch, model::BlockType::kParallel);
  ExecutionWidths w;
  w.activation_bytes = 4;
  w.partial_sum_bytes = 4;
  w.parallel_output_values = 2;
  w.int8_activation_scales = true;
  w.extra_terms = true;
  const std::vector<ExecutedCollective> paper = ExecutedCollectives(s, 1, ExecutionWidths{});
  const std::vector<ExecutedCollective> got = ExecutedCollectives(s, 1, w);
  for (size_t i = 0; i < paper.size(); ++i) {
    const double scale = got[i].name == "layer_out_reduce_scatter" ? 4 : 2;
    EXPECT_EQ(got[i].bytes, paper[i].bytes * scale) << got[i].name;
  }
  // ws2d over x = 4: the norm's carried sum, X calls per layer of X T_s doubles (T_s = 16).
  bool norm = false, logits = false;
  for (const ExecutedCollective& c : got) {
    EXPECT_FALSE(c.formula.empty()) << c.name;
    if (c.name == "norm_sum_of_squares_all_gather") {
      norm = true;
      EXPECT_EQ(c.calls, 4 * 4);
      EXPECT_EQ(c.bytes, 4.0 * 4 * 4 * 16 * 8);
    }
    if (c.name == "logits_all_reduce") {
      logits = true;
      EXPECT_EQ(c.bytes, 16.0 * 512 * 4);
    }
  }
  EXPECT_TRUE(norm);
  EXPECT_TRUE(logits);
}

}  // namespace
}  // namespace esti::cost
