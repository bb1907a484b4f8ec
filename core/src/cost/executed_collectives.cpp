#include "cost/executed_collectives.h"

#include <string>

namespace esti::cost {

namespace {

double D(int64_t v) { return static_cast<double>(v); }
int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t GroupOf(const std::array<int64_t, 3>& sizes, uint8_t roles) {
  int64_t k = 1;
  for (int r = 0; r < 3; ++r)
    if (roles & (1 << r)) k *= sizes[r];
  return k;
}

std::string Num(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::vector<ExecutedCollective> ExecutedCollectives(const Scenario& s,
                                                    int64_t new_tokens_per_sequence,
                                                    const ExecutionWidths& widths) {
  const model::ModelConfig& m = s.model;
  const std::array<int64_t, 3> sizes = RoleSizes(s.plan);
  const int64_t n = sizes[0] * sizes[1] * sizes[2];
  uint8_t batch_roles = 0;
  const int64_t nb = LayoutBatchWays(s.plan, &batch_roles);
  const uint8_t rest_roles = kRolesXyz & ~batch_roles;
  const int64_t nh = n / nb;
  const bool ws2d = s.plan.ffn_layout == FfnLayout::kWs2d;
  const uint8_t e_in_roles = ws2d ? kRoleX : 0;
  const uint8_t hidden_roles = rest_roles & ~e_in_roles;
  const int64_t x = sizes[0];
  const int64_t t = new_tokens_per_sequence, b = s.workload.batch;
  const int64_t slots = CeilDiv(b, nb);  // sequence slots per batch shard
  const int64_t b_padded = nb * slots;   // B'
  // Attention over batch (or the hybrid, pass.h SplitAttention) splits each batch shard's slots
  // again over the K chips its all-to-alls run over (K = nh for batch sharding).
  const AttentionSplit split = SplitAttention(s.plan, m.n_kv_heads);
  const int64_t k_moved = GroupOf(sizes, split.all_to_all_roles);
  const int64_t attn_slots = CeilDiv(slots, k_moved);  // per chip, attention over batch
  const double layers = D(m.n_layers);
  const double blocks = m.block_type == model::BlockType::kSerial ? 2 : 1;
  const bool parallel = !(blocks > 1);
  const double ts = D(slots * t);  // T_s
  const double a = widths.activation_bytes, p = widths.partial_sum_bytes;
  const double w_model = model::BytesPerWeight(s.plan.weights);  // 0.5 for int4: not an integer
  const double w = widths.weight_bytes > 0 ? widths.weight_bytes : w_model;

  std::vector<ExecutedCollective> out;
  auto add = [&](std::string name, const char* kind, uint8_t roles, double calls, double bytes,
                 bool paper, std::string formula) {
    ExecutedCollective c;
    c.name = std::move(name);
    c.kind = kind;
    c.roles = roles;
    c.group = GroupOf(sizes, roles);
    c.calls = static_cast<int64_t>(calls);
    c.bytes = bytes;
    c.paper_term = paper;
    c.formula = std::move(formula);
    out.push_back(std::move(c));
  };

  // The paper's per-layer terms (PassModel), for the padded batch (the all-to-alls for the
  // attention slots), in elements (bf16 bytes / 2) times the width that moves them.
  Scenario padded = s;
  padded.workload.batch = b_padded;
  Scenario attn = s;
  attn.workload.batch = nb * k_moved * attn_slots;
  const PassModel pass(padded, t);
  const PassModel attn_pass(attn, t);
  for (int i = 0; i < pass.n_collectives(); ++i) {
    const std::string name = pass.collective(i).name;
    const bool a2a = pass.collective(i).kind == CollectiveKind::kAllToAll;
    const CollectiveTerm term = a2a ? attn_pass.collective(i) : pass.collective(i);
    double width = a, values = 1, calls = layers * blocks;
    std::string what = "activations";
    if (name == "weight_all_gather") {
      width = w;
      calls = layers;
      what = "weights";
    } else if (name == "hidden_reduce_scatter" || name == "layer_out_reduce_scatter") {
      width = p;
      what = "partial sums";
      if (name == "layer_out_reduce_scatter" && parallel) values = widths.parallel_output_values;
    } else if (a2a) {
      calls = layers;  // attention runs once per layer
    }
    const double model_width = name == "weight_all_gather" ? w_model : kActivationBytes;
    const double elements = term.bytes_per_chip / model_width;
    add(name, ToString(term.kind), term.roles, calls, layers * elements * width * values, true,
        "L = " + std::to_string(m.n_layers) + " layers x " + Num(elements) + " " + what +
            " per layer (PassModel at B' = " +
            std::to_string(a2a ? nb * k_moved * attn_slots : b_padded) + ") x " + Num(width) +
            " B" + (values > 1 ? " x " + Num(values) + " values" : ""));
  }
  if (!widths.extra_terms) return out;

  const double e = D(m.d_model), v = D(m.vocab_size);
  if (ws2d) {
    add("norm_sum_of_squares_all_gather", "all_gather", e_in_roles, layers * blocks * D(x),
        layers * blocks * D(x) * D(x) * ts * kNormPartialBytes, false,
        "L x blocks x X calls x X T_s x 8 B");
  }
  if (widths.int8_activation_scales) {
    if (ws2d) {
      add("activation_scale_all_reduce", "all_reduce", e_in_roles, layers * blocks,
          layers * blocks * ts * kScaleBytes, false, "L x blocks x T_s x 4 B");
    }
    if (hidden_roles != 0) {
      add("activation_scale_all_reduce", "all_reduce", hidden_roles, layers * blocks,
          layers * blocks * 2 * ts * kScaleBytes, false, "L x blocks x 2 T_s x 4 B");
    }
  }
  const bool kv_replicated =
      s.plan.attention == AttentionSharding::kHeads && m.n_kv_heads % nh != 0;
  if (kv_replicated) {
    add("kv_heads_all_gather", "all_gather", rest_roles, layers,
        layers * ts * 2 * D(m.n_kv_heads) * D(m.d_head) * a, false, "L x T_s x 2 n_kv d_head x a");
  }
  if (batch_roles != 0) {
    add("embedding_all_to_all", "all_to_all", batch_roles, 1, D(b_padded * t) * e / D(n) * a, false,
        "B' T x E/n x a");
  }
  if (rest_roles != 0) {
    add("final_all_gather", "all_gather", rest_roles, 1, D(slots) * e * a, false,
        "ceil(B/N) x E x a");
  }
  if (batch_roles != 0) {
    add("final_all_gather", "all_gather", batch_roles, 1, D(b_padded) * e * a, false, "B' x E x a");
  }
  add("logits_all_reduce", "all_reduce", kRolesXyz, 1, D(b_padded) * v * p, false, "B' x V x p");
  return out;
}

}  // namespace esti::cost
