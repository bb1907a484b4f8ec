#include "cost/sharding.h"

#include <gtest/gtest.h>

namespace esti {
namespace {

std::string NotationOf(cost::FfnLayout l, cost::AttentionSharding a, const char* tensor) {
  cost::Plan p;
  p.ffn_layout = l;
  p.attention = a;
  for (const cost::TensorSharding& t : cost::DescribeSharding(p, /*n_kv_heads=*/1)) {
    if (std::string(t.tensor) == tensor) return cost::Notation(t);
  }
  return "";
}

// ESTI §3.2 Fig 2 / App. A.2 notation for each layout, §3.3 Fig 4 for attention.
TEST(Sharding, MatchesThePapersNotation) {
  using cost::AttentionSharding;
  using cost::FfnLayout;
  EXPECT_EQ(NotationOf(FfnLayout::kWs1d, AttentionSharding::kHeads, "weights_in_use"), "E F_xyz");
  EXPECT_EQ(NotationOf(FfnLayout::kWs2d, AttentionSharding::kHeads, "weights_in_use"), "E_x F_yz");
  EXPECT_EQ(NotationOf(FfnLayout::kWs2d, AttentionSharding::kHeads, "activations"), "B L E_xyz");
  EXPECT_EQ(NotationOf(FfnLayout::kWgX, AttentionSharding::kHeads, "activations"), "B_x L E_yz");
  EXPECT_EQ(NotationOf(FfnLayout::kWgXy, AttentionSharding::kHeads, "activations"), "B_xy L E_z");
  EXPECT_EQ(NotationOf(FfnLayout::kWgXyz, AttentionSharding::kHeads, "activations"), "B_xyz L E");
  EXPECT_EQ(NotationOf(FfnLayout::kWgXy, AttentionSharding::kHeads, "stored_weights"), "E_x F_yz");
  EXPECT_EQ(NotationOf(FfnLayout::kWgXy, AttentionSharding::kHeads, "weights_in_use"), "E F_z");
  EXPECT_EQ(NotationOf(FfnLayout::kWs2d, AttentionSharding::kBatch, "kv_cache"), "B_xyz L H");
  EXPECT_EQ(NotationOf(FfnLayout::kWs2d, AttentionSharding::kHeads, "kv_cache"), "B L H_xyz");
}

}  // namespace
}  // namespace esti
