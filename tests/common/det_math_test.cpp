#include "common/det_math.h"

#include <gtest/gtest.h>

#include <cmath>

namespace esti {
namespace {

// DetLog (common/det_math.h) against libm over the range the calibration fit uses and beyond:
// within 2 ulp-ish of std::log (relative 4e-16), exact at 1, and the special values.
TEST(DetMath, DetLogMatchesLibm) {
  for (double x = 1e-300; x < 1e300; x *= 1.37) {
    const double want = std::log(x);
    EXPECT_NEAR(DetLog(x), want, 4e-16 * std::fabs(want) + 1e-300) << x;
  }
  for (double x = 0.5; x < 2.0; x += 1.0 / 4096) {
    EXPECT_NEAR(DetLog(x), std::log(x), 2.5e-16) << x;
  }
  EXPECT_EQ(DetLog(1.0), 0.0);
  EXPECT_NEAR(DetLog(4.9406564584124654e-324), std::log(4.9406564584124654e-324), 1e-12);
  EXPECT_TRUE(std::isnan(DetLog(-1.0)));
  EXPECT_EQ(DetLog(0.0), -HUGE_VAL);
  EXPECT_EQ(DetLog(HUGE_VAL), HUGE_VAL);
}

}  // namespace
}  // namespace esti
