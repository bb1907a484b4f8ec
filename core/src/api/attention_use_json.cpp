#include "attention_use_json.h"

#include "cost/attention_use.h"

namespace esti::api::internal {

io::Json AttentionUseJson(const cost::Scenario& s) {
  const cost::AttentionUse u = cost::DescribeAttentionUse(s);
  return {{"split", cost::ToString(u.split)}, {"batch_ways", u.batch_ways},
          {"head_ways", u.head_ways},         {"busy_chips", u.busy_chips},
          {"idle_chips", u.idle_chips},       {"kv_copies", u.kv_copies}};
}

}  // namespace esti::api::internal
