#include "cost/counts.h"

#include <gtest/gtest.h>

#include "io/spec_io.h"

namespace esti {
namespace {

// ESTI §2: "an N-parameter decoder-only model requires 2N matmul FLOPs in the forward pass per
// token".
TEST(CountForward, MatmulFlopsAreTwoNPerToken) {
  model::ModelConfig m = io::ParseModel(io::Json("palm-540b"), "").value();
  cost::ForwardCounts c = cost::CountForward(m, 8, 2048, 1, model::WeightFormat::kBf16, false);
  EXPECT_DOUBLE_EQ(c.matmul_flops, 2.0 * model::CountParams(m).total * 8);
  EXPECT_DOUBLE_EQ(c.weight_bytes, 2.0 * model::CountParams(m).total);
  EXPECT_DOUBLE_EQ(c.kv_read_bytes, 120832.0 * 2049 * 8);
}

TEST(CountForward, CausalPrefillAttendsToATriangle) {
  model::ModelConfig m = io::ParseModel(io::Json("tiny"), "").value();
  cost::ForwardCounts c = cost::CountForward(m, 1, 0, 4, model::WeightFormat::kInt8, true);
  // Positions attended: 1 + 2 + 3 + 4 = 10, per layer, 4 x H x d_head FLOPs each.
  EXPECT_DOUBLE_EQ(c.attention_flops, 4.0 * 4 * 16 * 10 * 2);
  EXPECT_DOUBLE_EQ(c.kv_write_bytes, 2.0 * 2 * 1 * 16 * 2 * 4);
}

}  // namespace
}  // namespace esti
