#include "mesh/sharded_decoder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <type_traits>

#include "decoder/det_math.h"
#include "decoder/kernels.h"
#include "decoder/quantize.h"
#include "mesh/padding.h"

namespace esti::mesh {

using cost::AttentionSharding;
using cost::FfnLayout;
using decoder::Matrix;
using decoder::WeightKind;

LayoutAxes AxesOf(FfnLayout l) {
  switch (l) {
    case FfnLayout::kWs1d:
      return {0, 0, kAxesXyz};
    case FfnLayout::kWs2d:
      return {0, kAxisX, kAxisY | kAxisZ};
    case FfnLayout::kWgX:
      return {kAxisX, 0, kAxisY | kAxisZ};
    case FfnLayout::kWgXy:
      return {kAxisX | kAxisY, 0, kAxisZ};
    case FfnLayout::kWgXyz:
      return {kAxesXyz, 0, 0};
  }
  return {};
}

namespace {

// Names of the collectives: the first seven are the paper's per-layer terms (cost/pass.cpp), the
// others the cost model's extra terms (cost/executed_collectives.h).
constexpr const char* kLayerIn = "layer_in_all_gather";
constexpr const char* kHiddenRs = "hidden_reduce_scatter";
constexpr const char* kHiddenAg = "hidden_all_gather";
constexpr const char* kLayerOut = "layer_out_reduce_scatter";
constexpr const char* kWeightAg = "weight_all_gather";
constexpr const char* kQkvA2a = "attention_qkv_all_to_all";
constexpr const char* kOutA2a = "attention_out_all_to_all";
constexpr const char* kNormAg = "norm_sum_of_squares_all_gather";
constexpr const char* kScaleAr = "activation_scale_all_reduce";
constexpr const char* kKvAg = "kv_heads_all_gather";
constexpr const char* kEmbedA2a = "embedding_all_to_all";
constexpr const char* kFinalAg = "final_all_gather";
constexpr const char* kLogitsAr = "logits_all_reduce";

double D(int64_t v) { return static_cast<double>(v); }

template <class T>
using PerChip = std::vector<std::vector<T>>;

// A failed collective ends the pass: its error is returned, block by block, to
// ShardedDecoder::Forward (the core's errors are values; exceptions stay inside io/ and api/).
#define ESTI_RETURN_IF_FAILED(collective)                                           \
  do {                                                                              \
    if (Result<bool> failed_ = (collective); !failed_.ok()) return failed_.error(); \
  } while (false)

// A weight block [rows, cols] inside a layer's flat buffer, with its rows' int8 scales.
struct BlockRef {
  int64_t rows = 0, cols = 0, offset = 0;
  std::vector<float> scale;  // [rows] (int8)
};

// Parts of the first matmul's output (the "hidden") and of the second matmul's input.
enum Part { kQ, kK, kV, kGate, kUp, kNumParts };

struct ChipLayer {
  // First matmul: first[j][part], j over the e_in group (the hidden parts this chip reduces).
  std::vector<std::array<BlockRef, kNumParts>> first;
  // Second matmul: wo[j], wd[j] (rows: this chip's E chunk; cols: hidden part j).
  std::vector<BlockRef> wo, wd;
  std::vector<int8_t> stored_q, used_q;  // int8 payload: stored shard; in use (gathered for wg)
  std::vector<float> stored_f, used_f;   // fp32 payload
};

struct Chip {
  int64_t id = 0;
  int64_t rb = 0, re = 0, rf = 0;  // ranks in the batch, e_in and hidden groups
  int64_t ri = 0, fi = 0;          // residual E chunk (of n_r) and fine E slice (of n)
  int64_t hp = 0;                  // hidden part index (of n_h)
  std::vector<ChipLayer> layers;
  std::vector<float> attn_norm_all, ffn_norm_all;  // [layers, E] replicated gains
  std::vector<float> final_norm;
  BlockRef emb, unemb;                 // [V, E / n] fine slices
  std::vector<int8_t> emb_q, unemb_q;  // payloads
  std::vector<float> emb_f, unemb_f;
  int64_t kv_lo = 0, kv_n = 0;          // K/V heads held (heads sharding) or all (batch)
  std::vector<float> k_cache, v_cache;  // [layer][seqs][max_seq][kv_n * dh]
  std::vector<float> logits;            // [B, V]
  std::vector<float> x;                 // residual [Tb, E / n_r]
};

}  // namespace

struct ShardedDecoder::State {
  model::ModelConfig m;     // as executed: dimensions padded to divide (mesh/padding.h)
  model::ModelConfig real;  // as given
  std::vector<Padding> padding;
  decoder::RunLimits limits;
  Layout layout;
  LayoutAxes ax;
  Collectives* col = nullptr;
  bool int8 = true;
  int64_t n = 1, nb = 1, ne = 1, nf = 1, nh = 1, nr = 1;  // chips; group sizes
  uint8_t rest = 0;                                       // e_in | hidden
  int64_t qp = 0, kp = 0, fp = 0;  // per-chip widths of the Q, K (= V) and gate (= up) parts
  bool kv_replicated = false;
  int64_t batch = 0;           // padded: nb x seqs_per_shard (sequences >= B are padding)
  int64_t seqs_per_shard = 0;  // ceil(B / nb)
  int64_t attn_seqs = 0;       // sequences whose attention and KV cache a chip holds
  std::vector<Chip> chips;     // local chips
  std::vector<ChipMemory> memory;
  std::vector<std::string> notes;
  std::vector<int64_t> positions;  // [B]

  void Build(const decoder::Weights& w);
  void CopyBlock(const Matrix& src, int64_t r0, int64_t rows, int64_t c0, int64_t cols, BlockRef* b,
                 std::vector<int8_t>* q, std::vector<float>* f);
  Result<bool> RunBlock(int64_t layer, bool parallel, bool attention_part, bool ffn_part,
                        const std::vector<int64_t>& vec_pos, int64_t t);
  Result<bool> Forward(const std::vector<std::vector<int32_t>>& tokens);
};

ShardedDecoder::ShardedDecoder(std::unique_ptr<State> s) : s_(std::move(s)) {}
ShardedDecoder::ShardedDecoder(ShardedDecoder&&) noexcept = default;
ShardedDecoder& ShardedDecoder::operator=(ShardedDecoder&&) noexcept = default;
ShardedDecoder::~ShardedDecoder() = default;

// Rows or columns past the source matrix (a dimension padded to divide over the chips, see
// Create) are zeros with scale 0: they add nothing to any sum and leave every max |x| unchanged.
void ShardedDecoder::State::CopyBlock(const Matrix& src, int64_t r0, int64_t rows, int64_t c0,
                                      int64_t cols, BlockRef* b, std::vector<int8_t>* q,
                                      std::vector<float>* f) {
  b->rows = rows;
  b->cols = cols;
  b->offset = int8 ? static_cast<int64_t>(q->size()) : static_cast<int64_t>(f->size());
  const int64_t real_cols = std::clamp<int64_t>(src.cols - c0, 0, cols);
  for (int64_t r = r0; r < r0 + rows; ++r) {
    const bool real_row = r < src.rows;
    const int64_t n = real_row ? real_cols : 0;
    if (int8) {
      if (n > 0) {
        q->insert(q->end(), src.q.begin() + r * src.cols + c0,
                  src.q.begin() + r * src.cols + c0 + n);
      }
      q->insert(q->end(), cols - n, int8_t{0});
      b->scale.push_back(real_row ? src.scale[r] : 0.0f);
    } else {
      if (n > 0) {
        f->insert(f->end(), src.f32.begin() + r * src.cols + c0,
                  src.f32.begin() + r * src.cols + c0 + n);
      }
      f->insert(f->end(), cols - n, 0.0f);
    }
  }
}

void ShardedDecoder::State::Build(const decoder::Weights& w) {
  const int64_t e = m.d_model, dh = m.d_head;
  const MeshShape& shape = col->shape();
  for (int64_t id : col->local_chips()) {
    Chip c;
    c.id = id;
    c.rb = GroupRank(shape, ax.batch, id);
    c.re = GroupRank(shape, ax.e_in, id);
    c.rf = GroupRank(shape, ax.hidden, id);
    c.ri = c.re * nf + c.rf;
    c.fi = c.ri * nb + c.rb;
    c.hp = c.rf * ne + c.re;
    const int64_t ec = e / ne;  // E chunk at the first matmul's input
    for (int64_t l = 0; l < m.n_layers; ++l) {
      const decoder::LayerWeights& lw = w.layers[l];
      ChipLayer cl;
      std::vector<int8_t>& q = cl.used_q;
      std::vector<float>& fv = cl.used_f;
      cl.first.resize(ne);
      for (int64_t j = 0; j < ne; ++j) {
        const int64_t part = c.rf * ne + j;  // the hidden part block j reduces onto
        CopyBlock(lw.wq, part * qp, qp, c.re * ec, ec, &cl.first[j][kQ], &q, &fv);
        CopyBlock(lw.wk, part * kp, kp, c.re * ec, ec, &cl.first[j][kK], &q, &fv);
        CopyBlock(lw.wv, part * kp, kp, c.re * ec, ec, &cl.first[j][kV], &q, &fv);
        CopyBlock(lw.w_gate, part * fp, fp, c.re * ec, ec, &cl.first[j][kGate], &q, &fv);
        CopyBlock(lw.w_up, part * fp, fp, c.re * ec, ec, &cl.first[j][kUp], &q, &fv);
      }
      cl.wo.resize(ne);
      cl.wd.resize(ne);
      for (int64_t j = 0; j < ne; ++j) {
        const int64_t part = c.rf * ne + j;
        CopyBlock(lw.wo, c.re * ec, ec, part * qp, qp, &cl.wo[j], &q, &fv);
        CopyBlock(lw.w_down, c.re * ec, ec, part * fp, fp, &cl.wd[j], &q, &fv);
      }
      // Weight-gathered: the chip stores 1/nb of what it uses; the rest arrives by all-gather.
      const int64_t used = int8 ? static_cast<int64_t>(q.size()) : static_cast<int64_t>(fv.size());
      const int64_t piece = used / nb;
      if (int8) {
        cl.stored_q.assign(q.begin() + c.rb * piece, q.begin() + (c.rb + 1) * piece);
        if (nb > 1) std::vector<int8_t>().swap(cl.used_q);
      } else {
        cl.stored_f.assign(fv.begin() + c.rb * piece, fv.begin() + (c.rb + 1) * piece);
        if (nb > 1) std::vector<float>().swap(cl.used_f);
      }
      // Gains padded with zeros to the executed E (padded columns stay zero).
      for (const std::vector<float>* g : {&lw.attn_norm, &lw.ffn_norm}) {
        std::vector<float>& dst = g == &lw.attn_norm ? c.attn_norm_all : c.ffn_norm_all;
        if (g->empty()) continue;
        dst.insert(dst.end(), g->begin(), g->end());
        dst.insert(dst.end(), e - static_cast<int64_t>(g->size()), 0.0f);
      }
      c.layers.push_back(std::move(cl));
    }
    c.final_norm = w.final_norm;
    c.final_norm.resize(e, 0.0f);
    const int64_t fine = e / n;
    CopyBlock(w.embedding, 0, m.vocab_size, c.fi * fine, fine, &c.emb, &c.emb_q, &c.emb_f);
    if (!m.shared_embedding) {
      CopyBlock(w.unembedding, 0, m.vocab_size, c.fi * fine, fine, &c.unemb, &c.unemb_q,
                &c.unemb_f);
    }
    // K/V heads this chip caches: heads sharding holds the K/V heads of its query heads.
    if (layout.attention == AttentionSharding::kHeads) {
      const int64_t heads = m.n_heads / nh, group = real.n_heads / real.n_kv_heads;
      // A chip holding only padded query heads caches the last real K/V head (unused).
      c.kv_lo = kv_replicated ? std::min(c.hp * heads / group, real.n_kv_heads - 1)
                              : c.hp * heads / group;
      c.kv_n = kv_replicated ? 1 : m.n_kv_heads / nh;
    } else {
      c.kv_lo = 0;
      c.kv_n = m.n_kv_heads;
    }
    const int64_t kv = m.n_layers * attn_seqs * limits.max_seq_len * c.kv_n * dh;
    c.k_cache.assign(kv, 0.0f);
    c.v_cache.assign(kv, 0.0f);
    c.logits.assign(batch * m.vocab_size, 0.0f);

    ChipMemory mem;
    for (const ChipLayer& cl : c.layers) {
      mem.weight_elements += static_cast<int64_t>(int8 ? cl.stored_q.size() : cl.stored_f.size());
      for (const auto& parts : cl.first)
        for (const BlockRef& b : parts) mem.replicated_bytes += 4 * b.rows * (int8 ? 1 : 0);
      for (const BlockRef& b : cl.wo) mem.replicated_bytes += int8 ? 4 * b.rows : 0;
      for (const BlockRef& b : cl.wd) mem.replicated_bytes += int8 ? 4 * b.rows : 0;
    }
    mem.weight_elements += m.vocab_size * fine * (m.shared_embedding ? 1 : 2);
    mem.weight_bytes = mem.weight_elements * (int8 ? 1 : 4);
    mem.replicated_bytes += 4 * (static_cast<int64_t>(c.attn_norm_all.size() +
                                                      c.ffn_norm_all.size() + c.final_norm.size()) +
                                 (int8 ? m.vocab_size * (m.shared_embedding ? 1 : 2) : 0));
    mem.kv_cache_elements = 2 * kv;
    mem.kv_cache_bytes = mem.kv_cache_elements * decoder::kKvCacheBytesPerElement;
    memory.push_back(mem);
    chips.push_back(std::move(c));
  }
}

Result<ShardedDecoder> ShardedDecoder::Create(const model::ModelConfig& m,
                                              const decoder::Weights& full,
                                              const decoder::RunLimits& limits,
                                              const Layout& layout, Collectives* col) {
  Result<decoder::MemoryPlan> plan = decoder::PlanMemory(m, full.kind, limits);
  if (!plan.ok()) return plan.error();
  if (full.layers.size() != static_cast<size_t>(m.n_layers) ||
      full.embedding.rows != m.vocab_size || full.embedding.packed) {
    return MakeError(codes::kInvalidValue, "/model", "weights do not have the model's shapes");
  }
  auto s = std::make_unique<State>();
  s->m = m;
  s->limits = limits;
  s->layout = layout;
  s->col = col;
  s->int8 = full.kind == WeightKind::kInt8;
  s->ax = AxesOf(layout.ffn);
  const MeshShape& shape = col->shape();
  s->n = shape.chips();
  s->nb = GroupSize(shape, s->ax.batch);
  s->ne = GroupSize(shape, s->ax.e_in);
  s->nf = GroupSize(shape, s->ax.hidden);
  s->nh = s->nf * s->ne;
  s->nr = s->nh;
  s->rest = s->ax.e_in | s->ax.hidden;
  // Dimensions that do not divide are padded, K/V heads fewer than the chips splitting heads
  // replicated, and a batch that does not divide padded with idle slots (mesh/padding.h).
  Result<ExecutedModel> x = PadForMesh(m, shape, layout, limits.batch);
  if (!x.ok()) return x.error();
  // Padding grows the model's dimensions (each by less than kMaxMeshChips): the decoder's memory
  // limit (decoder::kMaxDecoderBytes) holds for the padded model too, checked before any shard is
  // made (query heads rounded up to a multiple of the K/V heads, an upper bound, as PlanMemory
  // needs them to divide).
  model::ModelConfig bound = x.value().model;
  bound.n_heads = (bound.n_heads + bound.n_kv_heads - 1) / bound.n_kv_heads * bound.n_kv_heads;
  Result<decoder::MemoryPlan> padded_plan = decoder::PlanMemory(bound, full.kind, limits);
  if (!padded_plan.ok()) return padded_plan.error();
  s->real = m;
  s->m = x.value().model;
  s->padding = x.value().padding;
  for (const Padding& p : s->padding) {
    s->notes.push_back(p.how + ": " + p.tensor + " " + std::to_string(p.size) + " -> " +
                       std::to_string(p.executed) + " (" + p.why + ")");
  }
  const model::ModelConfig& mp = s->m;
  s->kv_replicated = layout.attention == AttentionSharding::kHeads && mp.n_kv_heads % s->nh != 0;
  s->seqs_per_shard = (limits.batch + s->nb - 1) / s->nb;
  s->batch = s->seqs_per_shard * s->nb;
  s->attn_seqs = layout.attention == AttentionSharding::kHeads
                     ? s->seqs_per_shard
                     : (s->seqs_per_shard + s->nh - 1) / s->nh;
  s->qp = mp.n_heads * mp.d_head / s->nh;
  s->kp = mp.n_kv_heads * mp.d_head / s->nh;
  s->fp = mp.d_ff / s->nh;
  s->positions.assign(s->batch, 0);
  s->Build(full);
  return ShardedDecoder(std::move(s));
}

namespace {

// RMSNorm of rows [n, cols] with the per-row inverse already known.
float InvRms(double ss, int64_t e) {
  return static_cast<float>(1.0 / std::sqrt(ss / D(e) + decoder::kRmsNormEpsilon));
}

int8_t RoundClamp(float v) {
  float r = decoder::RoundHalfEven(v);
  if (r > decoder::kInt8Max) r = decoder::kInt8Max;
  if (r < -decoder::kInt8Max) r = -decoder::kInt8Max;
  return static_cast<int8_t>(r);
}

// Max |x| over cols with QuantizeRow's NaN rule.
float MaxAbs(const float* x, int64_t cols) {
  float max_abs = 0;
  for (int64_t c = 0; c < cols; ++c) {
    const float a = std::fabs(x[c]);
    max_abs = a > max_abs || a != a ? a : max_abs;
  }
  return max_abs;
}

// QuantizeRow with the max |x| of the whole vector given (it may span chips).
float QuantizeWithMax(const float* x, int64_t cols, float max_abs, int8_t* q) {
  if (!(max_abs > 0) || !std::isfinite(max_abs)) {
    for (int64_t c = 0; c < cols; ++c) q[c] = 0;
    return 0;
  }
  const float scale = max_abs / decoder::kInt8Max;
  for (int64_t c = 0; c < cols; ++c) q[c] = RoundClamp(x[c] / scale);
  return scale;
}

// acc[v, r] (+)= block . a[v] for n int8 vectors.
void MatMulBlockInt8(const int8_t* w, const BlockRef& b, const int8_t* a, int64_t n,
                     std::vector<int32_t>* acc) {
  std::vector<int16_t> a16(a, a + n * b.cols);
  acc->assign(n * b.rows, 0);
  if (b.rows == 0 || n == 0) return;
  decoder::MatMulInt8(decoder::Int8Kernel::kPortable, w + b.offset, false, b.rows, b.cols, a,
                      a16.data(), n, acc->data());
}

void MatMulBlockF32(const float* w, const BlockRef& b, const float* x, int64_t n,
                    std::vector<float>* out) {
  out->assign(n * b.rows, 0.0f);
  if (b.rows == 0 || n == 0) return;
  decoder::MatMulF32(w + b.offset, b.rows, b.cols, x, n, out->data());
}

}  // namespace

// One block of a layer (parallel: attention and FFN together; serial: one of them).
Result<bool> ShardedDecoder::State::RunBlock(int64_t layer, bool parallel, bool attention_part,
                                             bool ffn_part, const std::vector<int64_t>& vec_pos,
                                             int64_t t) {
  const int64_t e = m.d_model, dh = m.d_head, nheads = m.n_heads, nkv = m.n_kv_heads;
  const int64_t qw = nheads * dh, kvw = nkv * dh, half = dh / 2;
  const int64_t nl = static_cast<int64_t>(chips.size());
  const int64_t tb = seqs_per_shard * t;  // token vectors of a batch shard
  const int64_t ec = e / ne, er = e / nr;
  const MeshShape& shape = col->shape();
  const bool wg = ax.batch != 0;
  const bool ws2d = layout.ffn == FfnLayout::kWs2d;
  const bool serial_ffn = !parallel && ffn_part;

  // Parts of this block's hidden, with their per-chip widths and offsets in a token's row.
  std::vector<Part> parts;
  if (attention_part) parts.insert(parts.end(), {kQ, kK, kV});
  if (ffn_part) parts.insert(parts.end(), {kGate, kUp});
  auto width = [&](Part p) { return p == kQ ? qp : (p == kK || p == kV) ? kp : fp; };
  int64_t w1 = 0;
  std::array<int64_t, kNumParts> off{};
  for (Part p : parts) {
    off[p] = w1;
    w1 += width(p);
  }

  // 1. Layer input: all-gather the residual over the hidden roles -> [tb, E / ne].
  PerChip<float> xg;
  if (ax.hidden != 0) {
    PerChip<float> xin(nl);
    for (int64_t i = 0; i < nl; ++i) xin[i] = chips[i].x;
    ESTI_RETURN_IF_FAILED(col->AllGather(kLayerIn, ax.hidden, xin, &xg));
    // Gathered as [nf][tb][er]: reorder to [tb][ec].
    for (int64_t i = 0; i < nl; ++i) {
      std::vector<float> r(tb * ec);
      for (int64_t k = 0; k < nf; ++k)
        for (int64_t v = 0; v < tb; ++v)
          std::memcpy(&r[v * ec + k * er], &xg[i][(k * tb + v) * er], sizeof(float) * er);
      xg[i].swap(r);
    }
  } else {
    xg.resize(nl);
    for (int64_t i = 0; i < nl; ++i) xg[i] = chips[i].x;
  }

  // 2. RMSNorm. The unsharded decoder sums the squares sequentially in double over E; when E is
  // split over the e_in chips (ws2d) the sum is carried from chunk to chunk in that same order
  // (chip j continues from chip j-1's partial, passed by an all-gather of one double per token),
  // so the rounding, and every bit after it, is the unsharded decoder's.
  PerChip<double> ss(nl, std::vector<double>(tb, 0.0)), carried;
  for (int64_t step = 0; step < ne; ++step) {
    for (int64_t i = 0; i < nl; ++i) {
      if (chips[i].re != step) continue;
      for (int64_t v = 0; v < tb; ++v)
        for (int64_t c = 0; c < ec; ++c) {
          const double a = xg[i][v * ec + c];
          ss[i][v] += a * a;
        }
    }
    if (ax.e_in == 0) break;
    ESTI_RETURN_IF_FAILED(col->AllGather(kNormAg, ax.e_in, ss, &carried));  // [ne][tb]
    for (int64_t i = 0; i < nl; ++i)
      ss[i].assign(carried[i].begin() + step * tb, carried[i].begin() + (step + 1) * tb);
  }
  PerChip<float> h(nl, std::vector<float>(tb * ec));
  for (int64_t i = 0; i < nl; ++i) {
    const float* gain =
        (serial_ffn ? chips[i].ffn_norm_all.data() : chips[i].attn_norm_all.data()) + layer * e +
        chips[i].re * ec;
    for (int64_t v = 0; v < tb; ++v) {
      const float inv = InvRms(ss[i][v], real.d_model);  // the real E, not the padded one
      for (int64_t c = 0; c < ec; ++c) h[i][v * ec + c] = xg[i][v * ec + c] * inv * gain[c];
    }
  }

  // Weights in use: all-gathered over the batch roles for weight-gathered layouts.
  if (wg) {
    if (int8) {
      PerChip<int8_t> in(nl), out;
      for (int64_t i = 0; i < nl; ++i) in[i] = chips[i].layers[layer].stored_q;
      if (attention_part || parallel)
        ESTI_RETURN_IF_FAILED(col->AllGather(kWeightAg, ax.batch, in, &out));
      if (attention_part || parallel)
        for (int64_t i = 0; i < nl; ++i) chips[i].layers[layer].used_q.swap(out[i]);
    } else {
      PerChip<float> in(nl), out;
      for (int64_t i = 0; i < nl; ++i) in[i] = chips[i].layers[layer].stored_f;
      if (attention_part || parallel)
        ESTI_RETURN_IF_FAILED(col->AllGather(kWeightAg, ax.batch, in, &out));
      if (attention_part || parallel)
        for (int64_t i = 0; i < nl; ++i) chips[i].layers[layer].used_f.swap(out[i]);
    }
  }

  // 3. First matmul: partial sums over this chip's E chunk for the rows of its ne hidden parts,
  // as [ne][tb][w1], reduce-scattered over e_in (ws2d), then dequantized -> hidden [tb][w1].
  PerChip<float> hid(nl, std::vector<float>(tb * w1));
  if (int8) {
    PerChip<float> mx(nl, std::vector<float>(tb));
    for (int64_t i = 0; i < nl; ++i)
      for (int64_t v = 0; v < tb; ++v) mx[i][v] = MaxAbs(&h[i][v * ec], ec);
    if (ax.e_in != 0)
      ESTI_RETURN_IF_FAILED(col->AllReduce(kScaleAr, ax.e_in, ReduceOp::kMax, mx, &mx));
    PerChip<int32_t> part(nl, std::vector<int32_t>(ne * tb * w1)), red;
    PerChip<float> a_scale(nl, std::vector<float>(tb));
    for (int64_t i = 0; i < nl; ++i) {
      std::vector<int8_t> hq(tb * ec);
      for (int64_t v = 0; v < tb; ++v)
        a_scale[i][v] = QuantizeWithMax(&h[i][v * ec], ec, mx[i][v], &hq[v * ec]);
      const ChipLayer& cl = chips[i].layers[layer];
      std::vector<int32_t> acc;
      for (int64_t j = 0; j < ne; ++j)
        for (Part p : parts) {
          const BlockRef& b = cl.first[j][p];
          MatMulBlockInt8(cl.used_q.data(), b, hq.data(), tb, &acc);
          for (int64_t v = 0; v < tb; ++v)
            std::memcpy(&part[i][(j * tb + v) * w1 + off[p]], &acc[v * b.rows], 4 * b.rows);
        }
    }
    if (ws2d)
      ESTI_RETURN_IF_FAILED(col->ReduceScatter(kHiddenRs, ax.e_in, part, &red));
    else
      red = std::move(part);
    for (int64_t i = 0; i < nl; ++i) {
      const ChipLayer& cl = chips[i].layers[layer];
      const int64_t j = chips[i].re;  // the part this chip now holds
      for (Part p : parts) {
        const BlockRef& b = cl.first[j][p];
        for (int64_t v = 0; v < tb; ++v)
          for (int64_t r = 0; r < b.rows; ++r) {
            const int64_t at = v * w1 + off[p] + r;
            hid[i][at] = static_cast<float>(red[i][at]) * (a_scale[i][v] * b.scale[r]);
          }
      }
    }
  } else {
    PerChip<float> part(nl, std::vector<float>(ne * tb * w1)), red;
    for (int64_t i = 0; i < nl; ++i) {
      const ChipLayer& cl = chips[i].layers[layer];
      std::vector<float> out;
      for (int64_t j = 0; j < ne; ++j)
        for (Part p : parts) {
          const BlockRef& b = cl.first[j][p];
          MatMulBlockF32(cl.used_f.data(), b, h[i].data(), tb, &out);
          for (int64_t v = 0; v < tb; ++v)
            std::memcpy(&part[i][(j * tb + v) * w1 + off[p]], &out[v * b.rows], 4 * b.rows);
        }
    }
    if (ws2d)
      ESTI_RETURN_IF_FAILED(col->ReduceScatter(kHiddenRs, ax.e_in, part, &red));
    else
      red = std::move(part);
    hid = std::move(red);
  }

  // 4. Attention -> att [tb][qp] (this chip's part of every token's attention output).
  PerChip<float> att(nl, std::vector<float>(attention_part ? tb * qp : 0));
  if (attention_part) {
    const int64_t nq = layout.attention == AttentionSharding::kHeads ? nheads / nh : nheads;
    const int64_t group = real.n_heads / real.n_kv_heads;  // padded heads are masked below
    const float inv_sqrt_dh = static_cast<float>(1.0 / std::sqrt(D(dh)));
    std::vector<double> rope_cos(half), rope_sin(half);
    std::vector<float> scores(limits.max_seq_len);
    // Attention for `nv` token vectors: q [nv][nq dh] (query heads q0..), k/v [nv][kv_n dh]
    // (K/V heads kv_lo..) of sequences s0.. of this chip's cache; out [nv][nq dh].
    auto attend = [&](Chip& c, int64_t q0, const float* q, float* k, const float* vv, int64_t nv,
                      int64_t s_first_vec, float* out) {
      const int64_t kvn = c.kv_n, kw = kvn * dh, seq = limits.max_seq_len;
      std::vector<float> qr(q, q + nv * nq * dh);
      for (int64_t v = 0; v < nv; ++v) {
        const int64_t pos = vec_pos[s_first_vec + v];
        for (int64_t i = 0; i < half; ++i) {
          const double inv_freq = decoder::DetExp(-(2.0 * D(i) / D(dh)) * 9.21034037197618273607);
          decoder::DetSinCos(D(pos) * inv_freq, &rope_sin[i], &rope_cos[i]);
        }
        auto rope = [&](float* x) {
          for (int64_t i = 0; i < half; ++i) {
            const double cs = rope_cos[i], sn = rope_sin[i];
            const double a = x[i], b = x[i + half];
            x[i] = static_cast<float>(a * cs - b * sn);
            x[i + half] = static_cast<float>(b * cs + a * sn);
          }
        };
        for (int64_t hd = 0; hd < nq; ++hd) rope(&qr[(v * nq + hd) * dh]);
        for (int64_t g = 0; g < kvn; ++g) rope(&k[v * kw + g * dh]);
        const int64_t s = v / t;  // sequence within this chip's attention shard
        const int64_t at = ((layer * attn_seqs + s) * seq + pos) * kw;
        std::memcpy(&c.k_cache[at], &k[v * kw], sizeof(float) * kw);
        std::memcpy(&c.v_cache[at], &vv[v * kw], sizeof(float) * kw);
      }
      for (int64_t v = 0; v < nv; ++v) {
        const int64_t pos = vec_pos[s_first_vec + v], len = pos + 1, s = v / t;
        const float* kc = &c.k_cache[(layer * attn_seqs + s) * seq * kw];
        const float* vc = &c.v_cache[(layer * attn_seqs + s) * seq * kw];
        for (int64_t hd = 0; hd < nq; ++hd) {
          float* o = out + (v * nq + hd) * dh;
          if (q0 + hd >= real.n_heads) {  // a padded head (mesh/padding.h): its output is zero
            std::fill(o, o + dh, 0.0f);
            continue;
          }
          const float* qh = &qr[(v * nq + hd) * dh];
          const int64_t g = (q0 + hd) / group - c.kv_lo;
          float max_s = -HUGE_VALF;
          for (int64_t p = 0; p < len; ++p) {
            scores[p] = decoder::DetDot(qh, kc + p * kw + g * dh, dh) * inv_sqrt_dh;
            max_s = std::max(max_s, scores[p]);
          }
          decoder::DetExpShiftedInPlace(scores.data(), len, max_s);
          double sum = 0;
          for (int64_t p = 0; p < len; ++p) sum += scores[p];
          const float inv_sum = static_cast<float>(1.0 / sum);
          std::fill(o, o + dh, 0.0f);
          for (int64_t p = 0; p < len; ++p) {
            const float wgt = scores[p] * inv_sum;
            const float* vp = vc + p * kw + g * dh;
            for (int64_t i = 0; i < dh; ++i) o[i] += wgt * vp[i];
          }
        }
      }
    };
    if (layout.attention == AttentionSharding::kHeads) {
      // K/V of the chip's heads: its own parts, or (replicated) all parts all-gathered.
      PerChip<float> kv_full(nl);
      if (kv_replicated) {
        PerChip<float> in(nl, std::vector<float>(tb * 2 * kp));
        for (int64_t i = 0; i < nl; ++i)
          for (int64_t v = 0; v < tb; ++v) {
            std::memcpy(&in[i][v * 2 * kp], &hid[i][v * w1 + off[kK]], 4 * kp);
            std::memcpy(&in[i][v * 2 * kp + kp], &hid[i][v * w1 + off[kV]], 4 * kp);
          }
        ESTI_RETURN_IF_FAILED(col->AllGather(kKvAg, rest, in, &kv_full));
      }
      for (int64_t i = 0; i < nl; ++i) {
        Chip& c = chips[i];
        std::vector<float> q(tb * qp), k(tb * c.kv_n * dh), vv(tb * c.kv_n * dh);
        for (int64_t v = 0; v < tb; ++v) {
          std::memcpy(&q[v * qp], &hid[i][v * w1 + off[kQ]], 4 * qp);
          if (!kv_replicated) {
            std::memcpy(&k[v * kp], &hid[i][v * w1 + off[kK]], 4 * kp);
            std::memcpy(&vv[v * kp], &hid[i][v * w1 + off[kV]], 4 * kp);
          }
        }
        if (kv_replicated) {  // member j of the rest group holds part hp_j of K and V
          const std::vector<int64_t> members = GroupMembers(shape, rest, c.id);
          for (size_t j = 0; j < members.size(); ++j) {
            const int64_t hpj = GroupRank(shape, ax.hidden, members[j]) * ne +
                                GroupRank(shape, ax.e_in, members[j]);
            for (int64_t v = 0; v < tb; ++v)
              for (int64_t x = 0; x < kp; ++x) {
                const int64_t col_in_kv = hpj * kp + x;  // column of the full [kvw] K / V
                if (col_in_kv < c.kv_lo * dh || col_in_kv >= (c.kv_lo + 1) * dh) continue;
                const float* src = &kv_full[i][(j * tb + v) * 2 * kp];
                k[v * dh + col_in_kv - c.kv_lo * dh] = src[x];
                vv[v * dh + col_in_kv - c.kv_lo * dh] = src[kp + x];
              }
          }
        }
        attend(c, c.hp * nq, q.data(), k.data(), vv.data(), tb, chips[i].rb * tb, att[i].data());
      }
    } else {
      // Attention over batch: all-to-all over the rest group from a feature split (part hp of
      // Q|K|V for all tb tokens) to a sequence split (all features of tb / K tokens).
      const int64_t kk = nh, sub = attn_seqs * t, w3 = qp + 2 * kp;
      PerChip<float> in(nl, std::vector<float>(kk * sub * w3, 0.0f)), got;
      for (int64_t i = 0; i < nl; ++i)
        for (int64_t v = 0; v < tb; ++v) {
          std::memcpy(&in[i][v * w3], &hid[i][v * w1 + off[kQ]], 4 * qp);
          std::memcpy(&in[i][v * w3 + qp], &hid[i][v * w1 + off[kK]], 4 * kp);
          std::memcpy(&in[i][v * w3 + qp + kp], &hid[i][v * w1 + off[kV]], 4 * kp);
        }
      // No roles left to split over (wg_xyz): each chip already holds all of its tokens' Q/K/V.
      if (rest != 0)
        ESTI_RETURN_IF_FAILED(col->AllToAll(kQkvA2a, rest, in, &got));
      else
        got = std::move(in);
      PerChip<float> back(nl, std::vector<float>(kk * sub * qp, 0.0f));
      for (int64_t i = 0; i < nl; ++i) {
        Chip& c = chips[i];
        const std::vector<int64_t> members = GroupMembers(shape, rest, c.id);
        const int64_t me = GroupRank(shape, rest, c.id);
        const int64_t real = std::clamp<int64_t>(tb - me * sub, 0, sub);  // tokens, not padding
        std::vector<float> q(sub * qw), k(sub * kvw), vv(sub * kvw), out(sub * qw);
        std::vector<int64_t> hpj(kk);
        for (int64_t j = 0; j < kk; ++j) {
          hpj[j] =
              GroupRank(shape, ax.hidden, members[j]) * ne + GroupRank(shape, ax.e_in, members[j]);
          for (int64_t v = 0; v < sub; ++v) {
            const float* src = &got[i][(j * sub + v) * w3];
            std::memcpy(&q[v * qw + hpj[j] * qp], src, 4 * qp);
            std::memcpy(&k[v * kvw + hpj[j] * kp], src + qp, 4 * kp);
            std::memcpy(&vv[v * kvw + hpj[j] * kp], src + qp + kp, 4 * kp);
          }
        }
        attend(c, 0, q.data(), k.data(), vv.data(), real, c.rb * tb + me * sub, out.data());
        for (int64_t j = 0; j < kk; ++j)
          for (int64_t v = 0; v < sub; ++v)
            std::memcpy(&back[i][(j * sub + v) * qp], &out[v * qw + hpj[j] * qp], 4 * qp);
      }
      if (rest != 0)
        ESTI_RETURN_IF_FAILED(col->AllToAll(kOutA2a, rest, back, &att));
      else
        att = std::move(back);
      for (std::vector<float>& a : att) a.resize(tb * qp);  // drop the padding rows
    }
  }

  // 5. Second matmul input [tb][w2] = att part | SwiGLU part; all-gathered over e_in (ws2d).
  const int64_t w2 = (attention_part ? qp : 0) + (ffn_part ? fp : 0);
  const int64_t att_off = 0, act_off = attention_part ? qp : 0;
  PerChip<float> in2(nl, std::vector<float>(tb * w2)), g2;
  for (int64_t i = 0; i < nl; ++i)
    for (int64_t v = 0; v < tb; ++v) {
      if (attention_part) std::memcpy(&in2[i][v * w2 + att_off], &att[i][v * qp], 4 * qp);
      if (ffn_part) {
        float* g = &in2[i][v * w2 + act_off];
        std::memcpy(g, &hid[i][v * w1 + off[kGate]], 4 * fp);
        decoder::DetSwiGluInPlace(g, &hid[i][v * w1 + off[kUp]], fp);
      }
    }
  if (ws2d)
    ESTI_RETURN_IF_FAILED(col->AllGather(kHiddenAg, ax.e_in, in2, &g2));
  else
    g2 = std::move(in2);  // [ne = 1][tb][w2]

  // 6. Second matmul: partial [tb][ec] of W_o and W_down over this chip's hidden parts, packed
  // [nf][tb][er][vals] and reduce-scattered over the hidden roles, dequantized, added.
  const int64_t vals = (attention_part ? 1 : 0) + (ffn_part ? 1 : 0);
  auto add_out = [&](int64_t i, const float* o, const float* fo, int64_t v, int64_t c) {
    float& xr = chips[i].x[v * er + c];
    if (parallel)
      xr = (xr + o[0]) + fo[0];
    else
      xr += attention_part ? o[0] : fo[0];
  };
  // This chip's W_O and W_down partial outputs [tb][ec], packed [nf][tb][er][vals] (the E chunk
  // of each hidden chip outermost, as the reduce-scatter splits it; the two outputs side by side).
  auto pack = [&](const auto& acc_o, const auto& acc_f, auto* dst_all) {
    for (int64_t k = 0; k < nf; ++k)
      for (int64_t v = 0; v < tb; ++v)
        for (int64_t c = 0; c < er; ++c) {
          auto* dst = &(*dst_all)[((k * tb + v) * er + c) * vals];
          int64_t at = 0;
          if (attention_part) dst[at++] = acc_o[v * ec + k * er + c];
          if (ffn_part) dst[at++] = acc_f[v * ec + k * er + c];
        }
  };
  // acc_o += W_O block j . att_in and acc_f += W_down block j . act_in (over this chip's hidden
  // parts j), with `matmul` the int8 or fp32 kernel.
  auto accumulate = [&](auto matmul, const ChipLayer& cl, int64_t j, const auto* att_in,
                        const auto* act_in, auto* acc_o, auto* acc_f) {
    std::remove_reference_t<decltype(*acc_o)> out;
    if (attention_part) {
      matmul(cl.wo[j], att_in, &out);
      for (int64_t x = 0; x < tb * ec; ++x) (*acc_o)[x] += out[x];
    }
    if (ffn_part) {
      matmul(cl.wd[j], act_in, &out);
      for (int64_t x = 0; x < tb * ec; ++x) (*acc_f)[x] += out[x];
    }
  };
  auto reduce_out = [&](auto& part, auto* red) -> Result<bool> {
    if (ax.hidden != 0) return col->ReduceScatter(kLayerOut, ax.hidden, part, red);
    *red = std::move(part);
    return true;
  };
  if (int8) {
    // Scales of att and of act per token: max over the whole vector (all hidden chips).
    PerChip<float> mx(nl, std::vector<float>(tb * 2, 0.0f));
    for (int64_t i = 0; i < nl; ++i)
      for (int64_t j = 0; j < ne; ++j)
        for (int64_t v = 0; v < tb; ++v) {
          const float* row = &g2[i][(j * tb + v) * w2];
          if (attention_part) mx[i][2 * v] = std::max(mx[i][2 * v], MaxAbs(row + att_off, qp));
          if (ffn_part) mx[i][2 * v + 1] = std::max(mx[i][2 * v + 1], MaxAbs(row + act_off, fp));
        }
    if (ax.hidden != 0)
      ESTI_RETURN_IF_FAILED(col->AllReduce(kScaleAr, ax.hidden, ReduceOp::kMax, mx, &mx));
    PerChip<int32_t> part(nl, std::vector<int32_t>(tb * ec * vals)), red;
    PerChip<float> sc(nl, std::vector<float>(tb * 2));
    for (int64_t i = 0; i < nl; ++i) {
      const ChipLayer& cl = chips[i].layers[layer];
      std::vector<int32_t> acc_o(tb * ec, 0), acc_f(tb * ec, 0);
      std::vector<int8_t> aq(tb * qp), fq(tb * fp);
      for (int64_t j = 0; j < ne; ++j) {
        for (int64_t v = 0; v < tb; ++v) {
          const float* row = &g2[i][(j * tb + v) * w2];
          if (attention_part)
            sc[i][2 * v] = QuantizeWithMax(row + att_off, qp, mx[i][2 * v], &aq[v * qp]);
          if (ffn_part)
            sc[i][2 * v + 1] = QuantizeWithMax(row + act_off, fp, mx[i][2 * v + 1], &fq[v * fp]);
        }
        accumulate(
            [&](const BlockRef& b, const int8_t* in, std::vector<int32_t>* out) {
              MatMulBlockInt8(cl.used_q.data(), b, in, tb, out);
            },
            cl, j, aq.data(), fq.data(), &acc_o, &acc_f);
      }
      pack(acc_o, acc_f, &part[i]);
    }
    ESTI_RETURN_IF_FAILED(reduce_out(part, &red));
    for (int64_t i = 0; i < nl; ++i) {
      const ChipLayer& cl = chips[i].layers[layer];
      for (int64_t v = 0; v < tb; ++v)
        for (int64_t c = 0; c < er; ++c) {
          const int64_t row = chips[i].rf * er + c;  // row within this chip's E chunk
          const int32_t* a = &red[i][(v * er + c) * vals];
          float o = 0, fo = 0;
          int64_t at = 0;
          if (attention_part)
            o = static_cast<float>(a[at++]) * (sc[i][2 * v] * cl.wo[0].scale[row]);
          if (ffn_part) fo = static_cast<float>(a[at++]) * (sc[i][2 * v + 1] * cl.wd[0].scale[row]);
          add_out(i, &o, &fo, v, c);
        }
    }
  } else {
    PerChip<float> part(nl, std::vector<float>(tb * ec * vals)), red;
    for (int64_t i = 0; i < nl; ++i) {
      const ChipLayer& cl = chips[i].layers[layer];
      std::vector<float> acc_o(tb * ec, 0.0f), acc_f(tb * ec, 0.0f), a(tb * qp), fa(tb * fp);
      for (int64_t j = 0; j < ne; ++j) {
        for (int64_t v = 0; v < tb; ++v) {
          const float* row = &g2[i][(j * tb + v) * w2];
          if (attention_part) std::memcpy(&a[v * qp], row + att_off, 4 * qp);
          if (ffn_part) std::memcpy(&fa[v * fp], row + act_off, 4 * fp);
        }
        accumulate(
            [&](const BlockRef& b, const float* in, std::vector<float>* out) {
              MatMulBlockF32(cl.used_f.data(), b, in, tb, out);
            },
            cl, j, a.data(), fa.data(), &acc_o, &acc_f);
      }
      pack(acc_o, acc_f, &part[i]);
    }
    ESTI_RETURN_IF_FAILED(reduce_out(part, &red));
    for (int64_t i = 0; i < nl; ++i)
      for (int64_t v = 0; v < tb; ++v)
        for (int64_t c = 0; c < er; ++c) {
          const float* a = &red[i][(v * er + c) * vals];
          const float o = attention_part ? a[0] : 0, fo = ffn_part ? a[attention_part ? 1 : 0] : 0;
          add_out(i, &o, &fo, v, c);
        }
  }
  // Weight-gathered: the gathered weights are dropped once the layer's last block used them.
  if (wg && (parallel || ffn_part)) {
    for (Chip& c : chips) {
      std::vector<int8_t>().swap(c.layers[layer].used_q);
      std::vector<float>().swap(c.layers[layer].used_f);
    }
  }
  return true;
}

Result<bool> ShardedDecoder::State::Forward(const std::vector<std::vector<int32_t>>& tokens) {
  const int64_t e = m.d_model, b_all = batch, vocab = m.vocab_size;
  const int64_t t = static_cast<int64_t>(tokens[0].size());
  const int64_t nl = static_cast<int64_t>(chips.size());
  const int64_t tb = seqs_per_shard * t, fine = e / n, er = e / nr;
  std::vector<int64_t> vec_pos(b_all * t);  // [B t] position of every token vector
  for (int64_t b = 0; b < b_all; ++b)
    for (int64_t i = 0; i < t; ++i) vec_pos[b * t + i] = positions[b] + i;

  // Embedding: each chip looks up its fine E slice; weight-gathered layouts move each token's
  // slices to the chips of its batch shard (all-to-all over the batch roles).
  PerChip<float> look(nl, std::vector<float>(b_all * t * fine));
  for (int64_t i = 0; i < nl; ++i) {
    const Chip& c = chips[i];
    for (int64_t v = 0; v < b_all * t; ++v) {
      const int64_t tok = tokens[v / t][v % t];
      for (int64_t x = 0; x < fine; ++x) {
        look[i][v * fine + x] = int8
                                    ? static_cast<float>(c.emb_q[tok * fine + x]) * c.emb.scale[tok]
                                    : c.emb_f[tok * fine + x];
      }
    }
  }
  PerChip<float> emb;
  if (ax.batch != 0)
    ESTI_RETURN_IF_FAILED(col->AllToAll(kEmbedA2a, ax.batch, look, &emb));
  else
    emb = std::move(look);
  for (int64_t i = 0; i < nl; ++i) {
    chips[i].x.assign(tb * er, 0.0f);
    for (int64_t j = 0; j < nb; ++j)
      for (int64_t v = 0; v < tb; ++v)
        std::memcpy(&chips[i].x[v * er + j * fine], &emb[i][(j * tb + v) * fine], 4 * fine);
  }

  const bool parallel = m.block_type == model::BlockType::kParallel;
  for (int64_t layer = 0; layer < m.n_layers; ++layer) {
    if (parallel) {
      ESTI_RETURN_IF_FAILED(RunBlock(layer, true, true, true, vec_pos, t));
    } else {
      ESTI_RETURN_IF_FAILED(RunBlock(layer, false, true, false, vec_pos, t));
      ESTI_RETURN_IF_FAILED(RunBlock(layer, false, false, true, vec_pos, t));
    }
  }

  // Final: every chip gathers the last token of every sequence, normalizes it, and computes
  // partial logits over its fine E slice of the unembedding; an all-reduce sums them.
  const int64_t ns = seqs_per_shard;
  PerChip<float> last(nl, std::vector<float>(ns * er)), g1, g2;
  for (int64_t i = 0; i < nl; ++i)
    for (int64_t s = 0; s < ns; ++s)
      std::memcpy(&last[i][s * er], &chips[i].x[(s * t + t - 1) * er], 4 * er);
  const MeshShape& shape = col->shape();
  if (rest != 0) {
    ESTI_RETURN_IF_FAILED(col->AllGather(kFinalAg, rest, last, &g1));
  } else {
    g1 = last;
  }
  PerChip<float> full_shard(nl, std::vector<float>(ns * e));
  for (int64_t i = 0; i < nl; ++i) {
    const std::vector<int64_t> members = GroupMembers(shape, rest, chips[i].id);
    for (size_t j = 0; j < members.size(); ++j) {
      const int64_t rij =
          GroupRank(shape, ax.e_in, members[j]) * nf + GroupRank(shape, ax.hidden, members[j]);
      for (int64_t s = 0; s < ns; ++s)
        std::memcpy(&full_shard[i][s * e + rij * er], &g1[i][(j * ns + s) * er], 4 * er);
    }
  }
  if (ax.batch != 0)
    ESTI_RETURN_IF_FAILED(col->AllGather(kFinalAg, ax.batch, full_shard, &g2));
  else
    g2 = std::move(full_shard);  // [B][E]
  PerChip<float> logit_f(nl);
  PerChip<int32_t> logit_q(nl);
  std::vector<float> a_scale(b_all);
  for (int64_t i = 0; i < nl; ++i) {
    Chip& c = chips[i];
    std::vector<float> hn(b_all * e);
    for (int64_t b = 0; b < b_all; ++b) {
      const float* xv = &g2[i][b * e];
      double ss = 0;
      for (int64_t x = 0; x < e; ++x) ss += static_cast<double>(xv[x]) * xv[x];
      const float inv = InvRms(ss, real.d_model);
      for (int64_t x = 0; x < e; ++x) hn[b * e + x] = xv[x] * inv * c.final_norm[x];
    }
    const BlockRef& ub = m.shared_embedding ? c.emb : c.unemb;
    if (int8) {
      std::vector<int8_t> hq(b_all * e), slice(b_all * fine);
      for (int64_t b = 0; b < b_all; ++b) {
        a_scale[b] = QuantizeWithMax(&hn[b * e], e, MaxAbs(&hn[b * e], e), &hq[b * e]);
        std::memcpy(&slice[b * fine], &hq[b * e + c.fi * fine], fine);
      }
      MatMulBlockInt8(m.shared_embedding ? c.emb_q.data() : c.unemb_q.data(), ub, slice.data(),
                      b_all, &logit_q[i]);
    } else {
      std::vector<float> slice(b_all * fine);
      for (int64_t b = 0; b < b_all; ++b)
        std::memcpy(&slice[b * fine], &hn[b * e + c.fi * fine], 4 * fine);
      MatMulBlockF32(m.shared_embedding ? c.emb_f.data() : c.unemb_f.data(), ub, slice.data(),
                     b_all, &logit_f[i]);
    }
  }
  if (int8) {
    PerChip<int32_t> sum;
    ESTI_RETURN_IF_FAILED(col->AllReduce(kLogitsAr, kAxesXyz, ReduceOp::kSum, logit_q, &sum));
    for (int64_t i = 0; i < nl; ++i) {
      const BlockRef& ub = m.shared_embedding ? chips[i].emb : chips[i].unemb;
      for (int64_t b = 0; b < b_all; ++b)
        for (int64_t r = 0; r < vocab; ++r)
          chips[i].logits[b * vocab + r] =
              static_cast<float>(sum[i][b * vocab + r]) * (a_scale[b] * ub.scale[r]);
    }
  } else {
    PerChip<float> sum;
    ESTI_RETURN_IF_FAILED(col->AllReduce(kLogitsAr, kAxesXyz, ReduceOp::kSum, logit_f, &sum));
    for (int64_t i = 0; i < nl; ++i) chips[i].logits = sum[i];
  }
  for (int64_t b = 0; b < b_all; ++b) positions[b] += t;
  return true;
}

Result<int64_t> ShardedDecoder::Forward(const std::vector<std::vector<int32_t>>& tokens) {
  const State& s = *s_;
  if (static_cast<int64_t>(tokens.size()) != s.limits.batch) {
    return MakeError(codes::kInvalidValue, "/batch",
                     "the sharded decoder runs every sequence in each pass");
  }
  // New tokens per sequence (int64: size_t is 32-bit in wasm).
  const int64_t t = static_cast<int64_t>(tokens[0].size());
  for (size_t b = 0; b < tokens.size(); ++b) {
    if (static_cast<int64_t>(tokens[b].size()) != t) {
      return MakeError(codes::kInvalidValue, "/tokens",
                       "every sequence needs the same number of new tokens");
    }
    for (int64_t i = 0; i < t; ++i) {
      if (tokens[b][i] < 0 || tokens[b][i] >= s.m.vocab_size) {
        return MakeError(codes::kOutOfRange, "/prompt/" + std::to_string(i),
                         "token id outside the vocabulary");
      }
    }
    if (s.positions[b] + t > s.limits.max_seq_len) {
      return MakeError(codes::kTooLarge, "/tokens", "sequence would exceed the KV cache");
    }
  }
  if (t == 0) return int64_t{0};
  std::vector<std::vector<int32_t>> padded = tokens;
  padded.resize(s.batch, std::vector<int32_t>(t, 0));  // idle sequence slots (see Create)
  if (Result<bool> done = s_->Forward(padded); !done.ok()) return done.error();
  return static_cast<int64_t>(t * tokens.size());
}

std::span<const float> ShardedDecoder::Logits(int64_t b) const {
  const std::vector<float>& l = s_->chips[0].logits;
  return {l.data() + b * s_->m.vocab_size, static_cast<size_t>(s_->m.vocab_size)};
}
int64_t ShardedDecoder::Position(int64_t b) const { return s_->positions[b]; }
const std::vector<ChipMemory>& ShardedDecoder::memory() const { return s_->memory; }
const std::vector<std::string>& ShardedDecoder::notes() const { return s_->notes; }
const model::ModelConfig& ShardedDecoder::executed_model() const { return s_->m; }
const std::vector<Padding>& ShardedDecoder::padding() const { return s_->padding; }

#undef ESTI_RETURN_IF_FAILED

}  // namespace esti::mesh
