#include "cost/pass.h"

#include <algorithm>
#include <cmath>

namespace esti::cost {

namespace {
double D(int64_t v) { return static_cast<double>(v); }
// Whole-number ceil(a / b) for positive counts (integer arithmetic: no libm call in hot loops).
double CeilDiv(int64_t a, int64_t b) { return D((a + b - 1) / b); }
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
    case FfnLayout::kWs2d:
      mask = 0;
      break;
    case FfnLayout::kWgX:
      mask = kRoleX;
      break;
    case FfnLayout::kWgXy:
      mask = kRolesXy;
      break;
    case FfnLayout::kWgXyz:
      mask = kRolesXyz;
      break;
  }
  if (roles) *roles = mask;
  const std::array<int64_t, 3> sizes = RoleSizes(plan);
  int64_t ways = 1;
  for (int r = 0; r < 3; ++r) {
    if (mask & (1 << r)) ways *= sizes[r];
  }
  return ways;
}

uint8_t HybridHeadRoles(const Plan& plan, int64_t n_kv_heads) {
  if (n_kv_heads <= 1) return 0;
  uint8_t layout_batch = 0;
  LayoutBatchWays(plan, &layout_batch);
  const uint8_t rest = kRolesXyz & ~layout_batch;
  const hardware::Topology& t = plan.topology;
  const std::array<int, 3>& phys = plan.roles.physical;
  // Candidate key, best first: divides n_kv_heads, larger product, slower levels, lower physical
  // axes. Computed from physical axes only, so every role assignment with the same physical axes
  // off the batch picks the same ones (the search scores one assignment per such set).
  uint8_t best = 0;
  bool best_divides = false;
  int64_t best_product = 1;
  int best_level = -1, best_axes = 8;
  for (uint8_t mask = 1; mask <= kRolesXyz; ++mask) {
    if ((mask & rest) != mask) continue;
    int64_t product = 1;
    int level = 0, axes = 0;
    bool unit_axis = false;  // a role of one chip splits nothing: leave it to the batch side
    for (int r = 0; r < 3; ++r) {
      if (!(mask & (1 << r))) continue;
      product *= t.dims[phys[r]];
      level += t.level[phys[r]];
      axes |= 1 << phys[r];
      unit_axis = unit_axis || t.dims[phys[r]] == 1;
    }
    if (unit_axis || product > n_kv_heads) continue;  // more head ways would replicate K/V
    const bool divides = n_kv_heads % product == 0;
    bool better = false;
    if (divides != best_divides) {
      better = divides;
    } else if (product != best_product) {
      better = product > best_product;
    } else if (level != best_level) {
      better = level > best_level;
    } else {
      better = axes < best_axes;
    }
    if (best == 0 || better) {
      best = mask;
      best_divides = divides;
      best_product = product;
      best_level = level;
      best_axes = axes;
    }
  }
  return best_product > 1 ? best : 0;
}

namespace {
int64_t GroupSize(const Plan& plan, uint8_t roles) {
  const std::array<int64_t, 3> sizes = RoleSizes(plan);
  int64_t k = 1;
  for (int r = 0; r < 3; ++r) {
    if (roles & (1 << r)) k *= sizes[r];
  }
  return k;
}
}  // namespace

AttentionSplit SplitAttention(const Plan& plan, int64_t n_kv_heads) {
  uint8_t layout_batch = 0;
  LayoutBatchWays(plan, &layout_batch);
  const uint8_t rest = kRolesXyz & ~layout_batch;
  AttentionSplit s;
  switch (plan.attention) {
    case AttentionSharding::kHeads:
      s.batch_roles = layout_batch;
      s.head_roles = rest;
      break;
    case AttentionSharding::kBatch:
      s.batch_roles = kRolesXyz;
      s.all_to_all_roles = rest;
      break;
    case AttentionSharding::kHybrid: {
      const uint8_t heads = HybridHeadRoles(plan, n_kv_heads);
      s.head_roles = heads;
      s.batch_roles = kRolesXyz & ~heads;
      s.all_to_all_roles = rest & ~heads;
      break;
    }
  }
  s.head_ways = GroupSize(plan, s.head_roles);
  s.batch_ways = plan.topology.chips() / s.head_ways;
  return s;
}

bool HybridIsDistinct(const Plan& plan, int64_t n_kv_heads) {
  const uint8_t heads = HybridHeadRoles(plan, n_kv_heads);
  if (heads == 0) return false;  // batch sharding
  uint8_t layout_batch = 0;
  LayoutBatchWays(plan, &layout_batch);
  // Heads sharding unless some role of more than one chip moves from heads to batch.
  return GroupSize(plan, kRolesXyz & ~layout_batch & ~heads) > 1;
}

void PlanModel::Add(const char* name, CollectiveKind kind, uint8_t roles, double per_token,
                    double fixed) {
  const bool calibrated = s_.mode == Mode::kCalibrated;
  CollectiveSpec& c = collectives_[n_collectives_++];
  c.name = name;
  c.kind = kind;
  c.roles = roles;
  c.bytes_per_token = per_token;
  c.bytes_fixed = fixed;
  c.unit = TimeCollective(links_, kind, roles, 1.0,
                          calibrated ? s_.chip.calibration.ici_efficiency : 1.0,
                          /*with_latency=*/calibrated);
  // Calibrated: every collective that runs also pays a fixed start-up (synchronisation, DMA
  // set-up), so a layout with more collectives per layer pays more.
  if (calibrated && c.unit.group_size > 1) {
    c.unit.latency_s += s_.chip.calibration.per_collective_overhead_s;
  }
  comm_per_token_s_ += per_token * c.unit.transfer_s;
  comm_fixed_s_ += fixed * c.unit.transfer_s + (per_token > 0 || fixed > 0 ? c.unit.latency_s : 0);
}

PlanModel::PlanModel(const Scenario& s) : s_(s) {
  const model::ModelConfig& m = s.model;
  const Plan& plan = s.plan;
  const bool calibrated = s.mode == Mode::kCalibrated;
  const hardware::Calibration& cal = s.chip.calibration;
  links_ = MakeRoleLinks(s.chip, plan);
  const double x = D(links_.size[0]), y = D(links_.size[1]), z = D(links_.size[2]);
  const double n = x * y * z;
  const double e = D(m.d_model), f = D(m.d_ff), h = D(m.n_heads), kv = D(m.n_kv_heads),
               dh = D(m.d_head), layers = D(m.n_layers), vocab = D(m.vocab_size);
  const double a = kActivationBytes;
  const double w = model::BytesPerWeight(plan.weights);
  const double gates = m.ffn_type == model::FfnType::kSwiglu ? 2 : 1;
  const double w1 = gates * f + (h + 2 * kv) * dh;  // fused first matmul output width
  const double w2 = f + h * dh;                     // fused second matmul input width
  layer_params_ = model::LayerMatmulParams(m);
  const double blocks = m.block_type == model::BlockType::kSerial ? 2 : 1;

  uint8_t batch_roles = 0;
  const double layout_batch_ways = D(LayoutBatchWays(plan, &batch_roles));
  const uint8_t rest_roles = kRolesXyz & ~batch_roles;
  gather_ways_ = static_cast<int64_t>(layout_batch_ways);
  split_ = SplitAttention(plan, m.n_kv_heads);
  q_heads_per_chip_ = CeilDiv(m.n_heads, split_.head_ways);
  kv_heads_per_chip_ = CeilDiv(m.n_kv_heads, split_.head_ways);
  weight_bytes_ = (layer_params_ * layers + vocab * e) * w / n;
  stored_weight_bytes_ = model::WeightBytes(m, plan.weights) / n;

  // Per-chip weight dimensions of the fused first FFN matmul (model side, hidden side): what the
  // small-matmul efficiency and the matrix unit's padding see.
  double model_dim = e, hidden_dim = w1 / n;
  // Volumes per token of the pass (T = tokens x this).
  const double rs = a * blocks;  // in/out activation collectives run once per block
  switch (plan.ffn_layout) {
    case FfnLayout::kWs1d:
      Add("layer_in_all_gather", CollectiveKind::kAllGather, kRolesXyz, e * rs, 0);
      Add("layer_out_reduce_scatter", CollectiveKind::kReduceScatter, kRolesXyz, e * rs, 0);
      activation_per_token_ = a * (e + w1 / n);
      break;
    case FfnLayout::kWs2d:
      Add("layer_in_all_gather", CollectiveKind::kAllGather, kRolesYz, e / x * rs, 0);
      Add("hidden_reduce_scatter", CollectiveKind::kReduceScatter, kRoleX, w1 / (y * z) * a, 0);
      Add("hidden_all_gather", CollectiveKind::kAllGather, kRoleX, w2 / (y * z) * a, 0);
      Add("layer_out_reduce_scatter", CollectiveKind::kReduceScatter, kRolesYz, e / x * rs, 0);
      activation_per_token_ = a * (e / x + w1 / (y * z));
      model_dim = e / x;
      hidden_dim = w1 / (y * z);
      break;
    case FfnLayout::kWgX:
    case FfnLayout::kWgXy:
    case FfnLayout::kWgXyz:
      gathered_weight_bytes_ = layer_params_ * w * layout_batch_ways / n;
      Add("weight_all_gather", CollectiveKind::kAllGather, batch_roles, 0, gathered_weight_bytes_);
      if (rest_roles != 0) {
        Add("layer_in_all_gather", CollectiveKind::kAllGather, rest_roles,
            e * rs / layout_batch_ways, 0);
        Add("layer_out_reduce_scatter", CollectiveKind::kReduceScatter, rest_roles,
            e * rs / layout_batch_ways, 0);
      }
      // Per token of this chip's batch shard (see PassModel).
      activation_per_token_ = a * (e + w1 * layout_batch_ways / n);
      hidden_dim = w1 * layout_batch_ways / n;
      break;
  }
  // Attention over batch (or the hybrid): reshard Q/K/V from heads to batch and the output back
  // over the axes that move from heads to batch (batch: every axis not already splitting the
  // batch). Each chip sends and receives its whole shard of the array, T (H + 2 n_kv) d_head a / n
  // (ESTI §3.3 Fig 5b); the hybrid's smaller group moves the same shard over fewer, nearer chips.
  if (split_.all_to_all_roles != 0) {
    Add("attention_qkv_all_to_all", CollectiveKind::kAllToAll, split_.all_to_all_roles,
        (h + 2 * kv) * dh * a / n, 0);
    Add("attention_out_all_to_all", CollectiveKind::kAllToAll, split_.all_to_all_roles,
        h * dh * a / n, 0);
  }
  flops_rate_ = s.chip.peak_flops_per_s_bf16 * (calibrated ? cal.matmul_efficiency : 1.0);
  // fp8 matmuls on fp8 hardware run at its rate; attention (bf16 activations) stays at bf16's.
  const MatmulFormat mf = MatmulFormatFor(s.chip, plan.weights);
  matmul_rate_ = mf.peak_flops_per_s * (calibrated ? cal.matmul_efficiency : 1.0);
  hbm_rate_ = s.chip.hbm_bandwidth_bytes_per_s * (calibrated ? cal.hbm_efficiency : 1.0);
  overhead_s_ = calibrated ? layers * cal.per_layer_overhead_s + cal.per_step_overhead_s : 0;
  if (calibrated) {
    // Small matmuls (calibrated mode only): each per-chip weight dimension d is padded to the
    // matrix unit's tile (TPU v4: 128x128 MXU, ESTI §4) and runs at d / (d + half_dim) of the
    // large-matmul rate. Applied to every dense matmul of the pass via the FFN's dimensions.
    const double unit = D(s.chip.matmul_unit_dim);
    auto pad = [&](double d) { return unit > 0 ? std::ceil(d / unit) * unit / d : 1.0; };
    auto slow = [&](double d) { return 1 + cal.matmul_half_dim / d; };
    matmul_time_scale_ = pad(model_dim) * pad(hidden_dim) * slow(model_dim) * slow(hidden_dim);
  }
}

PassModel::PassModel(const Scenario& s, int64_t new_tokens_per_sequence)
    : owned_(std::make_unique<PlanModel>(s)), plan_(*owned_) {
  Init(s.workload.batch, new_tokens_per_sequence);
}

PassModel::PassModel(const PlanModel& plan, int64_t batch, int64_t new_tokens_per_sequence)
    : plan_(plan) {
  Init(batch, new_tokens_per_sequence);
}

void PassModel::Init(int64_t batch, int64_t new_tokens_per_sequence) {
  const Scenario& s = plan_.s_;
  const double b = D(batch), layers = D(s.model.n_layers);
  const double n = D(s.plan.topology.chips());
  const double ways = D(plan_.gather_ways_);
  new_per_seq_ = D(new_tokens_per_sequence);
  tokens_ = b * new_per_seq_;
  seqs_per_chip_ = CeilDiv(batch, plan_.split_.batch_ways);
  // Matmuls: weight-stationary layouts split every matmul over all n chips; weight-gathered ones
  // split tokens (whole sequences) over N chips and weights over the other n/N.
  const double tokens_per_batch_shard = CeilDiv(batch, plan_.gather_ways_) * new_per_seq_;
  const double matmul_token_share = tokens_per_batch_shard * ways / n;
  // Logits: only the last token of each sequence needs them (generation), vocab-sharded.
  const double layer_flops = layers * 2 * plan_.layer_params_ * matmul_token_share;
  const double logits_flops = 2 * D(s.model.vocab_size) * D(s.model.d_model) * b / n;
  fixed_compute_flops_ = layer_flops + logits_flops;
  activation_bytes_ = plan_.activation_per_token_ * (ways > 1 ? tokens_per_batch_shard : tokens_);
  // A weight-stationary matrix unit needs as many rows as its side to amortise loading a weight
  // tile (128 cycles on a 128x128 MXU): fewer tokens per chip take as long as that many. The
  // logits (last token of each sequence only) keep the plan's scale: their cost does not grow
  // with the pass's tokens.
  const double matmul_tokens = ways > 1 ? tokens_per_batch_shard : tokens_;
  const double unit = s.mode == Mode::kCalibrated ? D(s.chip.matmul_unit_dim) : 0;
  const double token_pad = matmul_tokens < unit ? unit / matmul_tokens : 1.0;
  matmul_time_flops_ = plan_.matmul_time_scale_ * (layer_flops * token_pad + logits_flops);
  // Equal to summing collective(i).time over the layer (tokens > 0), without building the terms.
  comm_s_ = layers * (plan_.comm_per_token_s_ * tokens_ + plan_.comm_fixed_s_);
}

CollectiveTerm PassModel::collective(int i) const {
  const CollectiveSpec& c = plan_.collectives_[i];
  CollectiveTerm t;
  t.name = c.name;
  t.kind = c.kind;
  t.roles = c.roles;
  t.bytes_per_chip = c.bytes_per_token * tokens_ + c.bytes_fixed;
  t.time = c.unit;
  if (t.bytes_per_chip <= 0) t.time = CollectiveTime{};
  t.time.transfer_s = c.unit.transfer_s * t.bytes_per_chip;
  return t;
}

double PassModel::KvCacheBytes(double context) const {
  const model::ModelConfig& m = plan_.s_.model;
  return seqs_per_chip_ * context * 2 * D(m.n_layers) * plan_.kv_heads_per_chip_ * D(m.d_head) *
         model::KvBytesPerElement(plan_.s_.plan.kv_cache);
}

PassTerms PassModel::At(double context_before) const {
  const model::ModelConfig& m = plan_.s_.model;
  const double layers = D(m.n_layers), dh = D(m.d_head);
  PassTerms p;
  // Causal: new token i attends to context_before + i + 1 positions.
  const double attended = new_per_seq_ * context_before + new_per_seq_ * (new_per_seq_ + 1) / 2;
  p.matmul_flops = fixed_compute_flops_;
  p.attention_flops = layers * 4 * plan_.q_heads_per_chip_ * dh * attended * seqs_per_chip_;
  p.weight_bytes = plan_.weight_bytes_;
  p.kv_bytes = KvCacheBytes(context_before + new_per_seq_);
  p.matmul_time_scale = matmul_time_flops_ / p.matmul_flops;
  // Same expression as before formats when the matmuls run in bf16 (TPU v4 results unchanged).
  p.compute_s =
      plan_.matmul_rate_ == plan_.flops_rate_
          ? (matmul_time_flops_ + p.attention_flops) / plan_.flops_rate_
          : matmul_time_flops_ / plan_.matmul_rate_ + p.attention_flops / plan_.flops_rate_;
  p.weight_load_s = p.weight_bytes / plan_.hbm_rate_;
  p.kv_load_s = p.kv_bytes / plan_.hbm_rate_;
  p.comm_s = comm_s_;
  p.overhead_s = plan_.overhead_s_;
  p.time_s = Combine(plan_.s_.mode, p.compute_s, p.weight_load_s + p.kv_load_s, p.comm_s,
                     p.overhead_s, plan_.s_.chip.calibration.comm_overlap);
  return p;
}

}  // namespace esti::cost
