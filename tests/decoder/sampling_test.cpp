#include "decoder/sampling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace esti::decoder {
namespace {

const std::vector<float> kLogits = {1.0f, 3.0f, 2.0f, 3.0f, -1.0f};

TEST(Sampling, GreedyIsArgmaxWithLowestIdOnTies) {
  Sampler s({}, 1);
  EXPECT_EQ(s.Next(kLogits), 1);
  EXPECT_EQ(Argmax(kLogits), 1);
}

TEST(Sampling, TopKOneAndTinyTopPAreGreedy) {
  Sampler k1({1.5, 1, 1.0}, 2);
  Sampler p0({1.5, 0, 1e-6}, 3);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(k1.Next(kLogits), 1);
    EXPECT_EQ(p0.Next(kLogits), 1);
  }
}

TEST(Sampling, SeededSamplesRepeatAndFollowTheSoftmax) {
  const SamplingOptions o{1.0, 0, 1.0};
  Sampler a(o, 42), b(o, 42);
  std::vector<int> counts(kLogits.size(), 0);
  const int draws = 20000;
  for (int i = 0; i < draws; ++i) {
    const int32_t t = a.Next(kLogits);
    ASSERT_EQ(t, b.Next(kLogits));
    ++counts[t];
  }
  double z = 0;
  for (float l : kLogits) z += std::exp(l);
  for (size_t i = 0; i < kLogits.size(); ++i) {
    // Binomial standard deviation at p <= 0.5 and 20000 draws is <= 0.0036; allow ~4 sigma.
    EXPECT_NEAR(counts[i] / double{draws}, std::exp(kLogits[i]) / z, 0.015) << i;
  }
}

TEST(Sampling, TopKAndTopPExcludeTheTail) {
  Sampler k2({1.0, 2, 1.0}, 5);  // only ids 1 and 3 (the two 3.0 logits)
  Sampler p({1.0, 0, 0.6}, 6);   // softmax: 0.39 + 0.39 >= 0.6 -> ids 1 and 3
  for (int i = 0; i < 500; ++i) {
    const int32_t a = k2.Next(kLogits), b = p.Next(kLogits);
    EXPECT_TRUE(a == 1 || a == 3) << a;
    EXPECT_TRUE(b == 1 || b == 3) << b;
  }
}

// Issue 12 item 6: with NaN logits the comparator was not a strict weak order (undefined behaviour
// in std::sort). NaN now ranks below every number: it is never drawn while a finite logit exists,
// and all-NaN logits give a defined answer.
TEST(Sampling, NaNLogitsAreNeverDrawn) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> logits(257, nan);
  for (size_t i = 0; i < logits.size(); i += 3) logits[i] = static_cast<float>(i % 7);
  for (const SamplingOptions& o : {SamplingOptions{1.0, 0, 1.0}, SamplingOptions{2.0, 5, 1.0},
                                   SamplingOptions{0.5, 0, 0.9}, SamplingOptions{1.0, 200, 1.0}}) {
    Sampler s(o, 7);
    for (int n = 0; n < 200; ++n) {
      const int32_t id = s.Next(logits);
      ASSERT_GE(id, 0);
      ASSERT_LT(id, static_cast<int32_t>(logits.size()));
      EXPECT_FALSE(std::isnan(logits[id])) << "drew NaN logit " << id;
    }
  }
  // Top-1 is the largest finite logit (6, first at id 6), whatever NaNs surround it.
  Sampler k1({1.0, 1, 1.0}, 3);
  EXPECT_EQ(k1.Next(logits), 6);
  std::vector<float> all_nan(16, nan);
  Sampler s({1.0, 0, 1.0}, 1);
  EXPECT_EQ(s.Next(all_nan), 0);
}

}  // namespace
}  // namespace esti::decoder
