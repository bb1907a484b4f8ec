// The paper view (api::Reproduce): complete, and its numbers are evaluate's.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

const io::Json& Rows() {
  static const io::Json rows = io::Json::parse(api::Reproduce("{}"))["rows"];
  return rows;
}

TEST(Reproduce, ListsEveryPaperPointOnce) {
  std::map<std::string, int> per_source;
  std::set<std::string> ids;
  for (const auto& r : Rows()) {
    const std::string source = r["source"];
    ++per_source[source.substr(0, source.find(" ("))];
    EXPECT_TRUE(ids.insert(r["id"].get<std::string>()).second) << r["id"];
    EXPECT_GT(r["paper"].get<double>(), 0) << r["id"];
    EXPECT_TRUE(std::isfinite(r["error"].get<double>())) << r["id"];
  }
  EXPECT_EQ(per_source["ESTI Table 1"], 6);          // 3 attention variants x batch 128, 512
  EXPECT_EQ(per_source["ESTI Table 2"], 4);          // its four configurations
  EXPECT_EQ(per_source["ESTI Figure 1 / C.1"], 79);  // 540B 23 + 62B 28 + 8B 28 frontier points
  EXPECT_EQ(per_source["ESTI Figure 3"], 40);        // 10 token counts x 4 layouts
  EXPECT_EQ(Rows().size(), 129u);
}

// Figure 3's volumes are exact (ESTI Figure 3, digitized to 4 significant figures).
TEST(Reproduce, Figure3VolumesMatchThePaper) {
  for (const auto& r : Rows()) {
    if (r["source"] != "ESTI Figure 3") continue;
    EXPECT_NEAR(r["roofline_error"].get<double>(), 0, 5e-4) << r["id"];
    EXPECT_EQ(r["roofline"], r["calibrated"]);
    EXPECT_FALSE(r["used_in_fit"].get<bool>());
  }
}

// Every measured point's calibrated number is what evaluate gives for the row's scenario.
TEST(Reproduce, MeasuredRowsEqualEvaluate) {
  int checked = 0;
  for (const auto& r : Rows()) {
    if (!r.contains("scenario")) continue;
    io::Json ev = io::Json::parse(api::Evaluate(r["scenario"].dump()));
    ASSERT_TRUE(ev["ok"].get<bool>()) << r["id"] << ev.dump().substr(0, 200);
    const double v = ev[r["quantity"].get<std::string>()].get<double>();
    EXPECT_DOUBLE_EQ(v, r["calibrated"].get<double>()) << r["id"];
    EXPECT_TRUE(r["used_in_fit"].get<bool>());
    EXPECT_LE(r["roofline"].get<double>(), r["calibrated"].get<double>()) << r["id"];
    ++checked;
  }
  EXPECT_EQ(checked, 83);
}

}  // namespace
}  // namespace esti
