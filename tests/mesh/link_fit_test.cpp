#include "mesh/link_fit.h"

#include <gtest/gtest.h>

namespace esti::mesh {
namespace {

TEST(LinkFit, RecoversLatencyAndBandwidthFromExactSamples) {
  std::vector<LinkSample> s;
  for (double bytes : {1e3, 1e4, 1e5, 1e6})
    s.push_back({"all_gather", 1, 2, bytes, bytes, 2e-6 + bytes / 5e9});
  Result<LinkFit> f = FitLink(s);
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f->latency_s, 2e-6, 1e-12);
  EXPECT_NEAR(f->bandwidth_bytes_per_s, 5e9, 1e3);
  EXPECT_LT(f->rms_relative_error, 1e-9);
  EXPECT_EQ(f->samples, 4);
  EXPECT_NEAR(PredictSeconds(*f, 3, 1e6), 3 * 2e-6 + 1e6 / 5e9, 1e-12);
}

TEST(LinkFit, RejectsWhatCannotBeFitted) {
  EXPECT_FALSE(FitLink({}).ok());
  EXPECT_FALSE(FitLink({{"all_gather", 1, 2, 1e3, 1e3, 1e-3}}).ok());
  // Time falling with size: no positive bandwidth.
  EXPECT_FALSE(
      FitLink({{"all_gather", 1, 2, 1e3, 1e3, 1e-3}, {"all_gather", 1, 2, 1e6, 1e6, 1e-5}}).ok());
}

TEST(LinkFit, MeasuresEveryKindOverEveryAxisGroupInProcess) {
  LocalMesh mesh(MeshShape{{2, 2, 1}});
  Collectives col(&mesh);
  Result<std::vector<LinkSample>> s =
      MeasureLink(&col, LinkSweep{.min_bytes_log2 = 10, .max_bytes_log2 = 12, .repeats = 2});
  ASSERT_TRUE(s.ok());
  // Axis groups x, y, xy (z has one chip) x 4 kinds x 3 sizes.
  EXPECT_EQ(s->size(), 3u * 4u * 3u);
  for (const LinkSample& x : *s) {
    EXPECT_GT(x.bytes_sent, 0);
    EXPECT_GT(x.seconds, 0);
  }
  EXPECT_TRUE(col.records().empty());
}

}  // namespace
}  // namespace esti::mesh
