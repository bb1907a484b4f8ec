#include "cost/attention_use.h"

#include <algorithm>

#include "cost/pass.h"

namespace esti::cost {

AttentionUse DescribeAttentionUse(const Scenario& s) {
  const AttentionSplit split = SplitAttention(s.plan, s.model.n_kv_heads);
  AttentionUse u;
  u.batch_ways = split.batch_ways;
  u.head_ways = split.head_ways;
  // Named by what is actually split: attention "over heads" with a weight-gathered XYZ layout
  // splits the batch over every chip and the heads over none.
  if (u.batch_ways > 1 && u.head_ways > 1) {
    u.split = AttentionSplitKind::kBatchAndHeads;
  } else if (u.batch_ways > 1) {
    u.split = AttentionSplitKind::kBatch;
  } else if (u.head_ways > 1) {
    u.split = AttentionSplitKind::kHeads;
  }
  // A chip works on attention when its share holds a sequence and a query head. batch_ways x
  // head_ways = chips, so both minima are at most their ways and busy <= chips.
  u.busy_chips = std::min(s.workload.batch, u.batch_ways) * std::min(s.model.n_heads, u.head_ways);
  u.idle_chips = s.plan.topology.chips() - u.busy_chips;
  const double kv_heads = static_cast<double>(std::max<int64_t>(1, s.model.n_kv_heads));
  u.kv_copies = std::max(1.0, static_cast<double>(u.head_ways) / kv_heads);
  return u;
}

}  // namespace esti::cost
