// cost::DescribeAttentionUse: idle chips and KV copies of a plan's attention (ESTI §3.3), the
// numbers the layout view states in words.
#include "cost/attention_use.h"

#include <gtest/gtest.h>

#include "test_scenarios.h"

namespace esti::cost {
namespace {

using testing::PaperScenario;

// PaLM 540B: 48 query heads, one K/V head (multiquery).
TEST(AttentionUse, BatchSmallerThanChipsLeavesChipsIdle) {
  // The issue-11 case: 4096 chips, batch 1024, attention over batch: 3 of 4 chips have no sequence.
  const Scenario s =
      PaperScenario("palm-540b", 4096, Phase::kDecode, 1024, model::WeightFormat::kInt8,
                    FfnLayout::kWs2d, AttentionSharding::kBatch);
  const AttentionUse u = DescribeAttentionUse(s);
  EXPECT_EQ(u.split, AttentionSplitKind::kBatch);
  EXPECT_EQ(u.batch_ways, 4096);
  EXPECT_EQ(u.head_ways, 1);
  EXPECT_EQ(u.busy_chips, 1024);
  EXPECT_EQ(u.idle_chips, 3072);
  EXPECT_EQ(u.kv_copies, 1.0);
}

TEST(AttentionUse, MultiqueryOverHeadsReplicatesTheKvHead) {
  // 64 chips over 48 heads: 16 chips have no head, and the single K/V head is on all 64.
  const Scenario s = PaperScenario("palm-540b", 64, Phase::kDecode, 64, model::WeightFormat::kInt8,
                                   FfnLayout::kWs2d, AttentionSharding::kHeads);
  const AttentionUse u = DescribeAttentionUse(s);
  EXPECT_EQ(u.split, AttentionSplitKind::kHeads);
  EXPECT_EQ(u.head_ways, 64);
  EXPECT_EQ(u.busy_chips, 48);
  EXPECT_EQ(u.idle_chips, 16);
  EXPECT_EQ(u.kv_copies, 64.0);
}

TEST(AttentionUse, WeightGatheredXyzOverHeadsIsReallyOverBatch) {
  // The issue-11 label bug: wg_xyz splits the batch over every chip, so "over heads" splits
  // nothing.
  const Scenario s = PaperScenario("palm-540b", 64, Phase::kPrefill, 64, model::WeightFormat::kBf16,
                                   FfnLayout::kWgXyz, AttentionSharding::kHeads);
  const AttentionUse u = DescribeAttentionUse(s);
  EXPECT_EQ(u.split, AttentionSplitKind::kBatch);
  EXPECT_EQ(u.batch_ways, 64);
  EXPECT_EQ(u.head_ways, 1);
  EXPECT_EQ(u.idle_chips, 0);
  EXPECT_EQ(u.kv_copies, 1.0);
  EXPECT_STREQ(ToString(u.split), "batch");
}

TEST(AttentionUse, OneChipIsUnsplit) {
  const Scenario s = PaperScenario("palm-8b", 1, Phase::kDecode, 4, model::WeightFormat::kBf16,
                                   FfnLayout::kWs2d, AttentionSharding::kBatch);
  const AttentionUse u = DescribeAttentionUse(s);
  EXPECT_EQ(u.split, AttentionSplitKind::kUnsplit);
  EXPECT_EQ(u.busy_chips, 1);
  EXPECT_EQ(u.idle_chips, 0);
}

}  // namespace
}  // namespace esti::cost
