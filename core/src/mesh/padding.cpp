#include "mesh/padding.h"

#include <algorithm>

namespace esti::mesh {

namespace {
int64_t RoundUp(int64_t v, int64_t k) { return (v + k - 1) / k * k; }
std::string S(int64_t v) { return std::to_string(v); }
}  // namespace

Result<ExecutedModel> PadForMesh(const model::ModelConfig& m, const MeshShape& shape,
                                 const Layout& layout, int64_t batch) {
  const LayoutAxes ax = AxesOf(layout.ffn);
  const int64_t n = shape.chips(), nb = GroupSize(shape, ax.batch), nh = n / nb;
  const bool heads = layout.attention == cost::AttentionSharding::kHeads;
  const std::string where = std::string(cost::ToString(layout.ffn)) + " on " + shape.ToString();
  ExecutedModel x;
  x.model = m;
  model::ModelConfig& p = x.model;
  auto pad = [&](const char* tensor, int64_t size, int64_t executed, const std::string& why) {
    if (executed != size) x.padding.push_back({tensor, "padded", size, executed, why});
  };
  p.d_model = RoundUp(m.d_model, n);
  pad("d_model", m.d_model, p.d_model, "zero columns: E/n per chip over " + S(n) + " chips");
  p.d_ff = RoundUp(m.d_ff, nh);
  pad("d_ff", m.d_ff, p.d_ff,
      "zero rows of W_gate/W_up, zero columns of W_down: over the " + S(nh) + " chips splitting F");
  if (heads || (m.n_heads * m.d_head) % nh != 0) p.n_heads = RoundUp(m.n_heads, nh);
  pad("n_heads", m.n_heads, p.n_heads,
      "zero query heads (outputs zero): over the " + S(nh) + " chips splitting heads");
  if (m.n_kv_heads == m.n_heads) {
    p.n_kv_heads = p.n_heads;  // multi-head: one K/V head per query head
    pad("n_kv_heads", m.n_kv_heads, p.n_kv_heads, "zero K/V heads of the padded query heads");
  }
  if ((p.n_kv_heads * p.d_head) % nh != 0) {
    return MakeError(codes::kInvalidValue, "/ffn_layout",
                     "the K/V width n_kv_heads x d_head = " + S(p.n_kv_heads * p.d_head) +
                         " must divide over the " + S(nh) + " chips splitting it (" + where + ")");
  }
  if (heads && p.n_kv_heads % nh != 0) {
    if (nh % p.n_kv_heads != 0) {
      return MakeError(codes::kInvalidValue, "/attention_sharding",
                       "n_kv_heads " + S(p.n_kv_heads) + " must divide, or be divided by, the " +
                           S(nh) + " chips splitting heads (" + where + ")");
    }
    // Replication: each chip caches one K/V head, so its real query heads must share one.
    const int64_t per_chip = p.n_heads / nh, group = m.n_heads / m.n_kv_heads;
    for (int64_t c = 0; c < nh; ++c) {
      const int64_t first = c * per_chip, last = std::min((c + 1) * per_chip, m.n_heads) - 1;
      if (first <= last && first / group != last / group) {
        return MakeError(codes::kInvalidValue, "/attention_sharding",
                         "the query heads of a chip (" + S(per_chip) + " of " + S(p.n_heads) +
                             ") span two K/V heads (groups of " + S(group) + ") (" + where + ")");
      }
    }
    x.padding.push_back({"n_kv_heads", "replicated", m.n_kv_heads, nh,
                         "each of the " + S(nh) +
                             " chips splitting heads all-gathers and caches the K/V head of its "
                             "query heads (ESTI §3.3)"});
  }
  const int64_t slots = (batch + nb - 1) / nb;
  x.batch_slots = slots * nb;
  pad("batch", batch, x.batch_slots,
      "idle sequence slots: " + S(slots) + " per shard over the " + S(nb) +
          " chips splitting the batch (ESTI §3.3); computed and discarded");
  if (!heads) {
    const int64_t per_chip = (slots + nh - 1) / nh;
    pad("attention_batch", slots, per_chip * nh,
        "attention over batch: " + S(per_chip) + " sequence slots per chip of a shard's " +
            S(slots) + " over " + S(nh) + " chips; the all-to-alls carry zero rows for idle ones");
  }
  return x;
}

}  // namespace esti::mesh
