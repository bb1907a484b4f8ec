// How a plan's attention uses the chips: how many have a sequence and a query head to work on, and
// how many copies of each KV cache entry are stored. The cost model charges every chip the ceiling
// share (pass.h), so when the batch is smaller than the chips it is split over, or the KV heads
// fewer than the head ways, chips sit idle or hold copies (ESTI §3.3: multiquery attention sharded
// over heads replicates the single K/V head on every chip; sharding over batch avoids that).
#pragma once

#include <cstdint>
#include <span>

#include "cost/plan.h"
#include "esti/common/enum_table.h"

namespace esti::cost {

enum class AttentionSplitKind { kUnsplit, kBatch, kHeads, kBatchAndHeads };
inline constexpr EnumEntry<AttentionSplitKind> kAttentionSplitKindNames[] = {
    {AttentionSplitKind::kUnsplit, "unsplit", "Not split"},
    {AttentionSplitKind::kBatch, "batch", "Over batch"},
    {AttentionSplitKind::kHeads, "heads", "Over heads"},
    {AttentionSplitKind::kBatchAndHeads, "batch_and_heads", "Over batch and heads"}};
constexpr std::span<const EnumEntry<AttentionSplitKind>> EnumTable(AttentionSplitKind) {
  return kAttentionSplitKindNames;
}
inline const char* ToString(AttentionSplitKind k) { return NameOf(k); }

struct AttentionUse {
  int64_t batch_ways = 1;  // chips the batch is split over (pass.h SplitAttention)
  int64_t head_ways = 1;   // chips the heads are split over
  AttentionSplitKind split = AttentionSplitKind::kUnsplit;  // from the ways, not the plan's label
  int64_t busy_chips = 1;  // chips with at least one sequence and one query head
  int64_t idle_chips = 0;  // chips - busy_chips
  double kv_copies = 1;    // chips holding each KV entry: head_ways / n_kv_heads when above 1
};

AttentionUse DescribeAttentionUse(const Scenario& s);

}  // namespace esti::cost
