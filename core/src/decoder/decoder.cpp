#include "decoder/decoder.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "decoder/det_math.h"

namespace esti::decoder {

Counts& Counts::operator+=(const Counts& o) {
  matmul_flops += o.matmul_flops;
  attention_flops += o.attention_flops;
  weight_bytes += o.weight_bytes;
  weight_scale_bytes += o.weight_scale_bytes;
  embedding_lookup_bytes += o.embedding_lookup_bytes;
  kv_read_bytes += o.kv_read_bytes;
  kv_write_bytes += o.kv_write_bytes;
  return *this;
}

namespace {

// Any integer (int64_t sizes, container sizes) as a double, without a narrowing step between.
template <class Integer>
double D(Integer v) {
  return static_cast<double>(v);
}

bool MatrixIs(const Matrix& mat, WeightKind kind, int64_t rows, int64_t cols) {
  if (mat.rows != rows || mat.cols != cols) return false;
  if (kind == WeightKind::kFp32) return D(mat.f32.size()) == D(rows) * D(cols);
  return D(mat.q.size()) == D(rows) * D(cols) && D(mat.scale.size()) == D(rows);
}

// Checks that `w` has the shapes of `m` (weights built by GenerateWeights or WeightsFromTensors
// always do; this guards hand-built ones).
bool ShapesMatch(const model::ModelConfig& m, const Weights& w) {
  const int64_t e = m.d_model, f = m.d_ff, qw = m.n_heads * m.d_head, kvw = m.n_kv_heads * m.d_head;
  const WeightKind k = w.kind;
  const bool serial = m.block_type == model::BlockType::kSerial;
  if (!MatrixIs(w.embedding, k, m.vocab_size, e)) return false;
  if (!m.shared_embedding && !MatrixIs(w.unembedding, k, m.vocab_size, e)) return false;
  if (D(w.final_norm.size()) != D(e) || D(w.layers.size()) != D(m.n_layers)) return false;
  for (const LayerWeights& l : w.layers) {
    if (D(l.attn_norm.size()) != D(e) || (serial && D(l.ffn_norm.size()) != D(e))) return false;
    if (!MatrixIs(l.wq, k, qw, e) || !MatrixIs(l.wk, k, kvw, e) || !MatrixIs(l.wv, k, kvw, e) ||
        !MatrixIs(l.wo, k, e, qw) || !MatrixIs(l.w_gate, k, f, e) || !MatrixIs(l.w_up, k, f, e) ||
        !MatrixIs(l.w_down, k, e, f)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<Decoder> Decoder::Create(const model::ModelConfig& m, Weights weights,
                                const RunLimits& limits) {
  Result<MemoryPlan> plan = PlanMemory(m, weights.kind, limits);
  if (!plan.ok()) return plan.error();
  if (!ShapesMatch(m, weights)) {
    return MakeError(codes::kInvalidValue, "/model", "weights do not have the model's shapes");
  }
  Decoder d;
  d.m_ = m;
  d.w_ = std::move(weights);
  d.limits_ = limits;
  d.kernel_ = BestInt8Kernel();
  if (d.w_.kind == WeightKind::kInt8) {  // interleave rows for the kernels (see kernels.h)
    for (Matrix* mat : MatricesInReadOrder(m, d.w_)) {
      if (mat->packed || !CanPack(mat->rows, mat->cols)) continue;
      PackInt8(mat->rows, mat->cols, mat->q.data());
      mat->packed = true;
    }
  }
  d.hashes_.assign(m.n_layers + 1, kFnvOffset);
  d.positions_.assign(limits.batch, 0);
  const int64_t kv = m.n_layers * limits.batch * limits.max_seq_len * m.n_kv_heads * m.d_head;
  d.k_cache_.assign(kv, 0.0f);
  d.v_cache_.assign(kv, 0.0f);
  d.logits_.assign(limits.batch * m.vocab_size, 0.0f);
  d.scores_.assign(limits.max_seq_len, 0.0f);
  return d;
}

void Decoder::Reset() {
  std::fill(positions_.begin(), positions_.end(), 0);
  std::fill(logits_.begin(), logits_.end(), 0.0f);
}

std::span<const float> Decoder::Logits(int64_t b) const {
  return {logits_.data() + b * m_.vocab_size, static_cast<size_t>(m_.vocab_size)};
}

void Decoder::RmsNorm(const float* x, const std::vector<float>& gain, int64_t n, float* out) const {
  const int64_t e = m_.d_model;
  for (int64_t v = 0; v < n; ++v) {
    const float* xv = x + v * e;
    double ss = 0;  // sequential double sum: the same in both builds
    for (int64_t i = 0; i < e; ++i) ss += static_cast<double>(xv[i]) * xv[i];
    const float inv = static_cast<float>(1.0 / std::sqrt(ss / D(e) + kRmsNormEpsilon));
    for (int64_t i = 0; i < e; ++i) out[v * e + i] = xv[i] * inv * gain[i];
  }
}

void Decoder::QuantizeInput(const float* x, int64_t n, int64_t cols) {
  QuantizeActs(x, n, cols, &acts_);
}

void Decoder::MatMulQuantized(const Matrix& w, int64_t n, float* out, int hash_slot) {
  const int64_t rows = w.rows, cols = w.cols;
  acc_.resize(n * rows);
  MatMulInt8(kernel_, w.q.data(), w.packed, rows, cols, acts_.q.data(), acts_.q16.data(), n,
             acc_.data());
  if (trace_hashes_) {
    uint64_t& h = hashes_[hash_slot];
    h = Fnv1a(h, acts_.q.data(), n * cols);
    h = Fnv1a(h, acc_.data(), n * rows * 4);
  }
  for (int64_t v = 0; v < n; ++v) {
    const float a_scale = acts_.scale[v];
    for (int64_t r = 0; r < rows; ++r) {
      out[v * rows + r] = static_cast<float>(acc_[v * rows + r]) * (a_scale * w.scale[r]);
    }
  }
  counts_.weight_bytes += D(rows) * D(cols);
  counts_.weight_scale_bytes += D(rows) * 4;
  counts_.matmul_flops += 2.0 * D(rows) * D(cols) * D(n);
}

void Decoder::MatMul(const Matrix& w, const float* x, int64_t n, float* out, int hash_slot) {
  if (w_.kind == WeightKind::kInt8) {
    QuantizeInput(x, n, w.cols);
    MatMulQuantized(w, n, out, hash_slot);
    return;
  }
  MatMulF32(w.f32.data(), w.rows, w.cols, x, n, out);
  counts_.weight_bytes += D(w.rows) * D(w.cols) * 4;
  counts_.matmul_flops += 2.0 * D(w.rows) * D(w.cols) * D(n);
}

Result<int64_t> Decoder::Forward(const std::vector<std::vector<int32_t>>& tokens) {
  const model::ModelConfig& m = m_;
  const int64_t e = m.d_model, f = m.d_ff, dh = m.d_head, nh = m.n_heads, nkv = m.n_kv_heads;
  const int64_t qw = nh * dh, kvw = nkv * dh, group = nh / nkv, half = dh / 2;
  const int64_t batch = limits_.batch, seq = limits_.max_seq_len;

  // Validate everything before touching state.
  if (D(tokens.size()) > D(batch)) {
    return MakeError(codes::kOutOfRange, "/batch", "more sequences than the decoder's batch");
  }
  int64_t n = 0;
  for (size_t b = 0; b < tokens.size(); ++b) {
    for (size_t i = 0; i < tokens[b].size(); ++i) {
      if (tokens[b][i] < 0 || tokens[b][i] >= m.vocab_size) {
        return MakeError(codes::kOutOfRange, "/prompt/" + std::to_string(i),
                         "token id " + std::to_string(tokens[b][i]) +
                             " is outside the vocabulary 0.." + std::to_string(m.vocab_size - 1));
      }
    }
    const int64_t t = static_cast<int64_t>(tokens[b].size());
    if (positions_[b] + t > seq) {
      return MakeError(
          codes::kTooLarge, "/tokens",
          "sequence would exceed the KV cache of " + std::to_string(seq) + " positions");
    }
    n += t;
  }
  if (n > limits_.max_tokens_per_pass) {
    return MakeError(codes::kTooLarge, "/prompt",
                     "more tokens in one pass than the decoder was sized for");
  }
  if (n == 0) return int64_t{0};

  // Which sequence and position each of the n token vectors belongs to.
  std::vector<int64_t> vec_seq(n), vec_pos(n);  // [n]
  {
    int64_t v = 0;
    for (size_t b = 0; b < tokens.size(); ++b)
      for (size_t i = 0; i < tokens[b].size(); ++i, ++v) {
        vec_seq[v] = static_cast<int64_t>(b);
        vec_pos[v] = positions_[b] + static_cast<int64_t>(i);
      }
  }
  x_.resize(n * e);     // [n, E] residual stream
  h_.resize(n * e);     // [n, E] normalized input of a block
  q_.resize(n * qw);    // [n, H * d_head]
  k_.resize(n * kvw);   // [n, n_kv * d_head]
  v_.resize(n * kvw);   // [n, n_kv * d_head]
  att_.resize(n * qw);  // [n, H * d_head] attention output before W_o
  o_.resize(n * e);     // [n, E]
  gate_.resize(n * f);  // [n, F]
  up_.resize(n * f);    // [n, F]
  ffn_.resize(n * e);   // [n, E]
  rope_cos_.resize(n * half);
  rope_sin_.resize(n * half);

  // Embedding lookup (a gather, not a matmul).
  for (int64_t v = 0; v < n; ++v) {
    const int64_t tok = tokens[vec_seq[v]][vec_pos[v] - positions_[vec_seq[v]]];
    float* xv = x_.data() + v * e;
    if (w_.kind == WeightKind::kInt8) {
      const Matrix& emb = w_.embedding;
      const float s = emb.scale[tok];
      for (int64_t i = 0; i < e; ++i) {
        const int8_t q = emb.packed ? emb.q[PackedOffset(tok, i, e)] : emb.q[tok * e + i];
        xv[i] = static_cast<float>(q) * s;
      }
    } else {
      std::memcpy(xv, w_.embedding.f32.data() + tok * e, sizeof(float) * e);
    }
  }
  counts_.embedding_lookup_bytes += D(n) * D(e) * (w_.kind == WeightKind::kInt8 ? 1 : 4);

  // RoPE angles: position x theta^(-2i / d_head), half-split pairs (i, i + d_head / 2).
  for (int64_t i = 0; i < half; ++i) {
    const double inv_freq = DetExp(-(2.0 * D(i) / D(dh)) * 9.21034037197618273607);  // ln(10000)
    static_assert(kRopeTheta == 10000.0, "the literal above is ln(kRopeTheta)");
    for (int64_t v = 0; v < n; ++v) {
      DetSinCos(D(vec_pos[v]) * inv_freq, &rope_sin_[v * half + i], &rope_cos_[v * half + i]);
    }
  }
  auto rope = [&](float* x, int64_t v) {  // x: [d_head] one head of token vector v
    for (int64_t i = 0; i < half; ++i) {
      const double c = rope_cos_[v * half + i], s = rope_sin_[v * half + i];
      const double a = x[i], b = x[i + half];
      x[i] = static_cast<float>(a * c - b * s);
      x[i + half] = static_cast<float>(b * c + a * s);
    }
  };
  const float inv_sqrt_dh = static_cast<float>(1.0 / std::sqrt(D(dh)));
  const bool int8 = w_.kind == WeightKind::kInt8;

  for (int64_t layer = 0; layer < m.n_layers; ++layer) {
    const LayerWeights& lw = w_.layers[layer];
    const int slot = static_cast<int>(layer);
    const bool serial = m.block_type == model::BlockType::kSerial;
    RmsNorm(x_.data(), lw.attn_norm, n, h_.data());
    if (int8) QuantizeInput(h_.data(), n, e);  // one quantization serves every product of h
    auto project = [&](const Matrix& w, float* out) {
      if (int8)
        MatMulQuantized(w, n, out, slot);
      else
        MatMul(w, h_.data(), n, out, slot);
    };
    project(lw.wq, q_.data());
    project(lw.wk, k_.data());
    project(lw.wv, v_.data());
    if (!serial) {  // parallel block: the FFN reads the same normalized input (PaLM §2)
      project(lw.w_gate, gate_.data());
      project(lw.w_up, up_.data());
    }
    // Rotate Q and K, append K and V to the cache.
    for (int64_t v = 0; v < n; ++v) {
      for (int64_t hd = 0; hd < nh; ++hd) rope(q_.data() + v * qw + hd * dh, v);
      for (int64_t g = 0; g < nkv; ++g) rope(k_.data() + v * kvw + g * dh, v);
      const int64_t at = ((layer * batch + vec_seq[v]) * seq + vec_pos[v]) * kvw;
      std::memcpy(k_cache_.data() + at, k_.data() + v * kvw, sizeof(float) * kvw);
      std::memcpy(v_cache_.data() + at, v_.data() + v * kvw, sizeof(float) * kvw);
    }
    counts_.kv_write_bytes += D(n) * 2 * D(kvw) * kKvCacheBytesPerElement;
    // Causal attention: token v attends to positions 0..vec_pos[v] of its own sequence. Query head
    // hd reads K/V head hd / group (multiquery: every head reads head 0).
    for (int64_t v = 0; v < n; ++v) {
      const int64_t len = vec_pos[v] + 1;
      const float* kc = k_cache_.data() + (layer * batch + vec_seq[v]) * seq * kvw;
      const float* vc = v_cache_.data() + (layer * batch + vec_seq[v]) * seq * kvw;
      for (int64_t hd = 0; hd < nh; ++hd) {
        const float* qh = q_.data() + v * qw + hd * dh;
        const int64_t g = hd / group;
        float max_s = -HUGE_VALF;
        for (int64_t p = 0; p < len; ++p) {
          const float* kp = kc + p * kvw + g * dh;
          scores_[p] = DetDot(qh, kp, dh) * inv_sqrt_dh;
          max_s = std::max(max_s, scores_[p]);
        }
        DetExpShiftedInPlace(scores_.data(), len, max_s);
        double sum = 0;  // sequential double sum: the same in both builds
        for (int64_t p = 0; p < len; ++p) sum += scores_[p];
        const float inv_sum = static_cast<float>(1.0 / sum);
        float* out = att_.data() + v * qw + hd * dh;
        std::fill(out, out + dh, 0.0f);
        for (int64_t p = 0; p < len; ++p) {
          const float wgt = scores_[p] * inv_sum;
          const float* vp = vc + p * kvw + g * dh;
          for (int64_t i = 0; i < dh; ++i) out[i] += wgt * vp[i];
        }
      }
      counts_.attention_flops += 4.0 * D(dh) * D(nh) * D(len);
    }
    // Each sequence's cache (old and new positions) is read once per pass.
    for (size_t b = 0; b < tokens.size(); ++b) {
      if (tokens[b].empty()) continue;
      const int64_t end = positions_[b] + static_cast<int64_t>(tokens[b].size());
      counts_.kv_read_bytes += D(end) * 2 * D(kvw) * kKvCacheBytesPerElement;
    }
    MatMul(lw.wo, att_.data(), n, o_.data(), slot);

    if (serial) {  // x = x + Attn(norm1 x); the FFN reads norm2 x
      for (int64_t i = 0; i < n * e; ++i) x_[i] += o_[i];
      RmsNorm(x_.data(), lw.ffn_norm, n, h_.data());
      if (int8) QuantizeInput(h_.data(), n, e);
      project(lw.w_gate, gate_.data());
      project(lw.w_up, up_.data());
    }
    DetSwiGluInPlace(gate_.data(), up_.data(), n * f);
    MatMul(lw.w_down, gate_.data(), n, ffn_.data(), slot);
    if (serial) {
      for (int64_t i = 0; i < n * e; ++i) x_[i] += ffn_[i];
    } else {  // parallel: x = x + Attn(norm x) + FFN(norm x)  (PaLM §2)
      for (int64_t i = 0; i < n * e; ++i) x_[i] = (x_[i] + o_[i]) + ffn_[i];
    }
  }

  // Logits of each sequence's last new token only (generation needs no more).
  std::vector<float> last;  // [sequences, E]
  std::vector<int64_t> last_seq;
  for (int64_t v = 0; v < n; ++v) {
    const int64_t b = vec_seq[v];
    if (v + 1 == n || vec_seq[v + 1] != b) {
      last.insert(last.end(), x_.begin() + v * e, x_.begin() + (v + 1) * e);
      last_seq.push_back(b);
    }
  }
  const int64_t ns = static_cast<int64_t>(last_seq.size());
  RmsNorm(last.data(), w_.final_norm, ns, h_.data());
  const Matrix& unembed = m.shared_embedding ? w_.embedding : w_.unembedding;
  std::vector<float> logits(ns * m.vocab_size);  // [sequences, V]
  MatMul(unembed, h_.data(), ns, logits.data(), static_cast<int>(m.n_layers));
  for (int64_t s = 0; s < ns; ++s) {
    std::memcpy(logits_.data() + last_seq[s] * m.vocab_size, logits.data() + s * m.vocab_size,
                sizeof(float) * m.vocab_size);
  }
  for (size_t b = 0; b < tokens.size(); ++b)
    positions_[b] += static_cast<int64_t>(tokens[b].size());
  return n;
}

}  // namespace esti::decoder
