// Every enum with a table (common/enum_table.h) names each of its values exactly once, and reading
// a name gives back the value that writes it.
#include "esti/common/enum_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cost/attention_use.h"
#include "cost/collectives.h"
#include "cost/plan.h"
#include "decoder/config.h"
#include "decoder/kernels.h"
#include "esti/mesh/transport.h"
#include "hardware/chip.h"
#include "io/fields.h"
#include "model/model.h"
#include "search/space.h"

namespace esti {
namespace {

// `count` values 0..count-1 of E (the enums are dense from 0).
template <class E>
void ExpectComplete(int count) {
  std::set<std::string_view> names, labels;
  EXPECT_EQ(EnumTable(E{}).size(), static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    const E v = static_cast<E>(i);
    const EnumEntry<E>& e = EntryOf(v);
    EXPECT_EQ(e.value, v) << "value " << i << " has no entry";
    EXPECT_FALSE(e.name.empty());
    EXPECT_FALSE(e.label.empty());
    EXPECT_EQ(FromName<E>(e.name), v) << e.name;
    names.insert(e.name);
    labels.insert(e.label);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(count)) << "a name is used twice";
  EXPECT_EQ(labels.size(), static_cast<size_t>(count)) << "a label is used twice";
  EXPECT_FALSE(FromName<E>("no-such-name").has_value());
}

TEST(EnumTable, EveryValueHasOneNameAndLabel) {
  ExpectComplete<cost::Phase>(2);
  ExpectComplete<cost::FfnLayout>(5);
  ExpectComplete<cost::AttentionSharding>(3);
  ExpectComplete<cost::Mode>(2);
  ExpectComplete<model::FfnType>(2);
  ExpectComplete<model::BlockType>(2);
  ExpectComplete<model::WeightFormat>(4);
  ExpectComplete<search::Objective>(3);
  ExpectComplete<hardware::CollectiveBandwidth>(2);
  ExpectComplete<decoder::WeightKind>(2);
  // Written only (collective names in breakdowns and the mesh's accounting, the kernel a decode
  // ran): one table all the same, so a name cannot drift from its value.
  ExpectComplete<cost::CollectiveKind>(3);
  ExpectComplete<mesh::Kind>(4);
  ExpectComplete<decoder::Int8Kernel>(4);
  ExpectComplete<io::fields::Type>(10);  // the schema's field types
  ExpectComplete<cost::AttentionSplitKind>(4);
  ExpectComplete<model::KvFormat>(3);
  ExpectComplete<hardware::LinkKind>(3);
}

TEST(EnumTable, ToStringWritesTheTableName) {
  EXPECT_STREQ(cost::ToString(cost::FfnLayout::kWgXy), "wg_xy");
  EXPECT_STREQ(cost::ToString(cost::Mode::kRoofline), "roofline");
  EXPECT_STREQ(search::ToString(search::Objective::kMaxMfu), "max_mfu");
  EXPECT_STREQ(model::ToString(model::WeightFormat::kInt8), "int8");
  EXPECT_STREQ(cost::ToString(cost::CollectiveKind::kReduceScatter), "reduce_scatter");
  EXPECT_STREQ(mesh::ToString(mesh::Kind::kAllReduce), "all_reduce");
  EXPECT_STREQ(decoder::ToString(decoder::Int8Kernel::kAvx512Vnni), "avx512_vnni");
}

}  // namespace
}  // namespace esti
