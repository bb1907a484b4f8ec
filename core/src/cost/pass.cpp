#include "esti/cost/pass.h"

#include <algorithm>
#include <cmath>

namespace esti::cost {

namespace {
double D(int64_t v) { return static_cast<double>(v); }
double CeilDiv(double a, double b) { return std::ceil(a / b); }
}  // namespace

double Combine(Mode mode, double compute_s, double memory_s, double comm_s, double overhead_s,
               double comm_overlap) {
  if (mode == Mode::kRoofline) return std::max({compute_s, memory_s, comm_s});
  const double busy = std::max(compute_s, memory_s);
  return busy + comm_s - comm_overlap * std::min(comm_s, busy) + overhead_s;
}

int64_t LayoutBatchWays(const Plan& plan, uint8_t* roles) {
  uint8_t mask = 0;
  switch (plan.ffn_layout) {
    case FfnLayout::kWs1d:
    case FfnLayout::kWs2d: mask = 0; break;
    case FfnLayout::kWgX: mask = kRoleX; break;
    case FfnLayout::kWgXy: mask = kRolesXy; break;
    case FfnLayout::kWgXyz: mask = kRolesXyz; break;
  }
  if (roles) *roles = mask;
  const std::array<int64_t, 3> sizes = RoleSizes(plan);
  int64_t ways = 1;
  for (int r = 0; r < 3; ++r) {
    if (mask & (1 << r)) ways *= sizes[r];
  }
  return ways;
}

AttentionSplit SplitAttention(const Plan& plan) {
  const int64_t n = plan.topology.chips();
  if (plan.attention == AttentionSharding::kBatch) return AttentionSplit{n, 1};
  const int64_t ways = LayoutBatchWays(plan);
  return AttentionSplit{ways, n / ways};
}

void PassModel::Add(const char* name, CollectiveKind kind, uint8_t roles, double bytes) {
  const bool calibrated = s_.mode == Mode::kCalibrated;
  CollectiveTerm& t = collectives_[n_collectives_++];
  t.name = name;
  t.kind = kind;
  t.roles = roles;
  t.bytes_per_chip = bytes;
  t.time = TimeCollective(links_, kind, roles, bytes,
                          calibrated ? s_.chip.calibration.ici_efficiency : 1.0,
                          calibrated ? s_.chip.ici_hop_latency_s : 0.0);
}

PassModel::PassModel(const Scenario& s, int64_t new_tokens_per_sequence) : s_(s) {
  const model::ModelConfig& m = s.model;
  const Plan& plan = s.plan;
  const bool calibrated = s.mode == Mode::kCalibrated;
  const hardware::Calibration& cal = s.chip.calibration;
  links_ = MakeRoleLinks(s.chip, plan);
  const double x = D(links_.size[0]), y = D(links_.size[1]), z = D(links_.size[2]);
  const double n = x * y * z;
  const double e = D(m.d_model), f = D(m.d_ff), h = D(m.n_heads), kv = D(m.n_kv_heads),
               dh = D(m.d_head), layers = D(m.n_layers), vocab = D(m.vocab_size);
  const double b = D(s.workload.batch);
  new_per_seq_ = D(new_tokens_per_sequence);
  tokens_ = b * new_per_seq_;
  const double t = tokens_, a = kActivationBytes;
  const double w = D(model::BytesPerWeight(plan.weights));
  const double gates = m.ffn_type == model::FfnType::kSwiglu ? 2 : 1;
  const double w1 = gates * f + (h + 2 * kv) * dh;  // fused first matmul output width
  const double w2 = f + h * dh;                     // fused second matmul input width
  const double layer_params = model::LayerMatmulParams(m);
  const double blocks = m.block_type == model::BlockType::kSerial ? 2 : 1;

  uint8_t batch_roles = 0;
  const double layout_batch_ways = D(LayoutBatchWays(plan, &batch_roles));
  const uint8_t rest_roles = kRolesXyz & ~batch_roles;
  gather_ways_ = static_cast<int64_t>(layout_batch_ways);
  split_ = SplitAttention(plan);
  seqs_per_chip_ = CeilDiv(b, D(split_.batch_ways));
  q_heads_per_chip_ = CeilDiv(h, D(split_.head_ways));
  kv_heads_per_chip_ = CeilDiv(kv, D(split_.head_ways));

  // Matmuls: weight-stationary layouts split every matmul over all n chips; weight-gathered ones
  // split tokens (whole sequences) over N chips and weights over the other n/N.
  const double tokens_per_batch_shard = CeilDiv(b, layout_batch_ways) * new_per_seq_;
  const double matmul_token_share = tokens_per_batch_shard * layout_batch_ways / n;
  // Logits: only the last token of each sequence needs them (generation), vocab-sharded.
  fixed_compute_flops_ = layers * 2 * layer_params * matmul_token_share + 2 * vocab * e * b / n;
  weight_bytes_ = (layer_params * layers + vocab * e) * w / n;

  const double rs = a * blocks;  // in/out activation collectives run once per block
  switch (plan.ffn_layout) {
    case FfnLayout::kWs1d:
      Add("layer_in_all_gather", CollectiveKind::kAllGather, kRolesXyz, t * e * rs);
      Add("layer_out_reduce_scatter", CollectiveKind::kReduceScatter, kRolesXyz, t * e * rs);
      activation_bytes_ = a * (t * e + t * w1 / n);
      break;
    case FfnLayout::kWs2d:
      Add("layer_in_all_gather", CollectiveKind::kAllGather, kRolesYz, t * e / x * rs);
      Add("hidden_reduce_scatter", CollectiveKind::kReduceScatter, kRoleX, t * w1 / (y * z) * a);
      Add("hidden_all_gather", CollectiveKind::kAllGather, kRoleX, t * w2 / (y * z) * a);
      Add("layer_out_reduce_scatter", CollectiveKind::kReduceScatter, kRolesYz, t * e / x * rs);
      activation_bytes_ = a * (t * e / x + t * w1 / (y * z));
      break;
    case FfnLayout::kWgX:
    case FfnLayout::kWgXy:
    case FfnLayout::kWgXyz: {
      gathered_weight_bytes_ = layer_params * w * layout_batch_ways / n;
      Add("weight_all_gather", CollectiveKind::kAllGather, batch_roles, gathered_weight_bytes_);
      const double shard_tokens = t / layout_batch_ways;
      if (rest_roles != 0) {
        Add("layer_in_all_gather", CollectiveKind::kAllGather, rest_roles, shard_tokens * e * rs);
        Add("layer_out_reduce_scatter", CollectiveKind::kReduceScatter, rest_roles,
            shard_tokens * e * rs);
      }
      activation_bytes_ = a * tokens_per_batch_shard * (e + w1 * layout_batch_ways / n);
      break;
    }
  }
  // Attention over batch: reshard Q/K/V from heads to batch and the output back over the axes
  // that do not already split the batch.
  if (plan.attention == AttentionSharding::kBatch && rest_roles != 0) {
    Add("attention_qkv_all_to_all", CollectiveKind::kAllToAll, rest_roles,
        t * (h + 2 * kv) * dh * a / n);
    Add("attention_out_all_to_all", CollectiveKind::kAllToAll, rest_roles, t * h * dh * a / n);
  }
  for (int i = 0; i < n_collectives_; ++i) comm_s_ += layers * collectives_[i].time.time_s();

  flops_rate_ = s.chip.peak_flops_per_s_bf16 * (calibrated ? cal.matmul_efficiency : 1.0);
  hbm_rate_ = s.chip.hbm_bandwidth_bytes_per_s * (calibrated ? cal.hbm_efficiency : 1.0);
  overhead_s_ = calibrated ? layers * cal.per_layer_overhead_s + cal.per_step_overhead_s : 0;
}

PassTerms PassModel::At(double context_before) const {
  const model::ModelConfig& m = s_.model;
  const double layers = D(m.n_layers), dh = D(m.d_head);
  PassTerms p;
  // Causal: new token i attends to context_before + i + 1 positions.
  const double attended = new_per_seq_ * context_before + new_per_seq_ * (new_per_seq_ + 1) / 2;
  p.matmul_flops = fixed_compute_flops_;
  p.attention_flops = layers * 4 * q_heads_per_chip_ * dh * attended * seqs_per_chip_;
  p.weight_bytes = weight_bytes_;
  p.kv_bytes = layers * 2 * kv_heads_per_chip_ * dh * D(model::kKvBytesPerElement) *
               (context_before + new_per_seq_) * seqs_per_chip_;
  p.compute_s = (p.matmul_flops + p.attention_flops) / flops_rate_;
  p.weight_load_s = p.weight_bytes / hbm_rate_;
  p.kv_load_s = p.kv_bytes / hbm_rate_;
  p.comm_s = comm_s_;
  p.overhead_s = overhead_s_;
  p.time_s = Combine(s_.mode, p.compute_s, p.weight_load_s + p.kv_load_s, p.comm_s, p.overhead_s,
                     s_.chip.calibration.comm_overlap);
  return p;
}

}  // namespace esti::cost
