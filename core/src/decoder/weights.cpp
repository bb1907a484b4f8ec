#include "decoder/weights.h"

#include <cmath>
#include <cstring>
#include <map>

#include "decoder/prng.h"
#include "decoder/quantize.h"

namespace esti::decoder {

namespace {

// Fills `row` with uniform values in (-bound, bound): four 16-bit draws per PRNG step.
void UniformRow(SplitMix64& rng, float bound, int64_t cols, float* row) {
  const float step = bound / 32768.0f;
  for (int64_t c = 0; c < cols; c += 4) {
    uint64_t bits = rng.Next();
    for (int64_t j = 0; j < 4 && c + j < cols; ++j, bits >>= 16) {
      row[c + j] = (static_cast<float>(bits & 0xffff) - 32767.5f) * step;
    }
  }
}

// Stores fp32 row r of `mat`, quantizing it for int8.
void StoreRow(Matrix& mat, WeightKind kind, int64_t r, const float* row) {
  if (kind == WeightKind::kFp32) {
    std::memcpy(mat.f32.data() + r * mat.cols, row, sizeof(float) * mat.cols);
  } else {
    mat.scale[r] = QuantizeRow(row, mat.cols, mat.q.data() + r * mat.cols);
  }
}

// Fills `mat` (shaped by AllocateWeights) with seeded uniform values of `variance`: 1 / fan_in
// keeps activations O(1) through the random network (uniform: bound^2 / 3).
void GenerateMatrix(Matrix& mat, WeightKind kind, uint64_t seed, double variance) {
  SplitMix64 rng(seed);
  std::vector<float> row(mat.cols);  // [cols] one row in fp32
  const float bound = static_cast<float>(std::sqrt(3.0 * variance));
  for (int64_t r = 0; r < mat.rows; ++r) {
    UniformRow(rng, bound, mat.cols, row.data());
    StoreRow(mat, kind, r, row.data());
  }
}

std::vector<float> GenerateGain(int64_t n, uint64_t seed) {
  std::vector<float> g(n);
  SplitMix64 rng(seed);
  UniformRow(rng, 0.1f, n, g.data());
  for (float& v : g) v += 1.0f;  // 1 +- 0.1: not all ones, so a misapplied gain shows in tests
  return g;
}

}  // namespace

std::vector<Matrix*> MatricesInReadOrder(const model::ModelConfig& m, Weights& w) {
  std::vector<Matrix*> out;
  if (!m.shared_embedding) out.push_back(&w.embedding);
  for (LayerWeights& l : w.layers) {
    if (m.block_type == model::BlockType::kSerial) {
      out.insert(out.end(), {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down});
    } else {
      out.insert(out.end(), {&l.wq, &l.wk, &l.wv, &l.w_gate, &l.w_up, &l.wo, &l.w_down});
    }
  }
  out.push_back(m.shared_embedding ? &w.embedding : &w.unembedding);
  return out;
}

Weights AllocateWeights(const model::ModelConfig& m, WeightKind kind) {
  const int64_t e = m.d_model, f = m.d_ff, qw = m.n_heads * m.d_head, kvw = m.n_kv_heads * m.d_head;
  const bool serial = m.block_type == model::BlockType::kSerial;
  Weights w;
  w.kind = kind;
  auto shape = [](Matrix& mat, int64_t rows, int64_t cols) {
    mat.rows = rows;
    mat.cols = cols;
  };
  shape(w.embedding, m.vocab_size, e);
  if (!m.shared_embedding) shape(w.unembedding, m.vocab_size, e);
  w.final_norm.assign(e, 1.0f);
  w.layers.resize(m.n_layers);
  for (LayerWeights& l : w.layers) {
    l.attn_norm.assign(e, 1.0f);
    if (serial) l.ffn_norm.assign(e, 1.0f);
    shape(l.wq, qw, e);
    shape(l.wk, kvw, e);
    shape(l.wv, kvw, e);
    shape(l.wo, e, qw);
    shape(l.w_gate, f, e);
    shape(l.w_up, f, e);
    shape(l.w_down, e, f);
  }
  const std::vector<Matrix*> order = MatricesInReadOrder(m, w);
  if (kind == WeightKind::kFp32) {
    for (Matrix* mat : order) mat->f32.assign(mat->Elements(), 0.0f);
    return w;
  }
  constexpr int64_t kLine = sizeof(Weights::Line);
  auto lines = [](int64_t bytes) { return (bytes + kLine - 1) / kLine; };
  int64_t total = 0;
  for (const Matrix* mat : order) total += lines(mat->Elements()) + lines(mat->rows * 4);
  w.arena.resize(total);  // zero-filled; sizes bounded by PlanMemory
  int8_t* at = w.arena.data()->bytes;
  for (Matrix* mat : order) {
    mat->q = {at, static_cast<size_t>(mat->Elements())};
    at += lines(mat->Elements()) * kLine;
    mat->scale = {reinterpret_cast<float*>(at), static_cast<size_t>(mat->rows)};
    at += lines(mat->rows * 4) * kLine;
  }
  return w;
}

Weights GenerateWeights(const model::ModelConfig& m, WeightKind kind, uint64_t seed) {
  const int64_t e = m.d_model, f = m.d_ff, qw = m.n_heads * m.d_head;
  const double in_e = 1.0 / static_cast<double>(e);
  Weights w = AllocateWeights(m, kind);
  uint64_t stream = 0;
  GenerateMatrix(w.embedding, kind, DeriveSeed(seed, stream++), in_e);
  if (!m.shared_embedding) GenerateMatrix(w.unembedding, kind, DeriveSeed(seed, stream), in_e);
  ++stream;
  w.final_norm = GenerateGain(e, DeriveSeed(seed, stream++));
  for (LayerWeights& l : w.layers) {
    l.attn_norm = GenerateGain(e, DeriveSeed(seed, stream++));
    if (m.block_type == model::BlockType::kSerial)
      l.ffn_norm = GenerateGain(e, DeriveSeed(seed, stream));
    ++stream;
    GenerateMatrix(l.wq, kind, DeriveSeed(seed, stream++), in_e);
    GenerateMatrix(l.wk, kind, DeriveSeed(seed, stream++), in_e);
    GenerateMatrix(l.wv, kind, DeriveSeed(seed, stream++), in_e);
    GenerateMatrix(l.wo, kind, DeriveSeed(seed, stream++), 1.0 / static_cast<double>(qw));
    GenerateMatrix(l.w_gate, kind, DeriveSeed(seed, stream++), in_e);
    GenerateMatrix(l.w_up, kind, DeriveSeed(seed, stream++), in_e);
    GenerateMatrix(l.w_down, kind, DeriveSeed(seed, stream++), 1.0 / static_cast<double>(f));
  }
  return w;
}

namespace {

int64_t DtypeSize(const std::string& dtype) {
  if (dtype == "F32") return 4;
  if (dtype == "F16" || dtype == "BF16") return 2;
  return 0;
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else {  // subnormal: value = man * 2^-24, exact in float
      float v = static_cast<float>(man) * 0x1.0p-24f;
      std::memcpy(&bits, &v, 4);
      bits |= sign;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (man << 13);
  } else {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  }
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

// Element i of a little-endian tensor as fp32.
float Element(const NamedTensor& t, int64_t i) {
  const uint8_t* p = t.data.data();
  if (t.dtype == "F32") {
    uint32_t bits = static_cast<uint32_t>(p[4 * i]) | static_cast<uint32_t>(p[4 * i + 1]) << 8 |
                    static_cast<uint32_t>(p[4 * i + 2]) << 16 |
                    static_cast<uint32_t>(p[4 * i + 3]) << 24;
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  const uint16_t h = static_cast<uint16_t>(p[2 * i] | p[2 * i + 1] << 8);
  if (t.dtype == "BF16") {
    uint32_t bits = static_cast<uint32_t>(h) << 16;
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  return HalfToFloat(h);
}

std::string ShapeString(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

class TensorSource {
 public:
  TensorSource(const std::vector<NamedTensor>& tensors) {
    for (const NamedTensor& t : tensors) by_name_[t.name] = &t;
  }

  // The tensor `name` with `shape`, checked; nullptr and *err set otherwise.
  const NamedTensor* Take(const std::string& name, const std::vector<int64_t>& shape, Error* err) {
    auto it = by_name_.find(name);
    const std::string path = "/" + name;
    if (it == by_name_.end()) {
      *err = MakeError(codes::kMissingField, path, "tensor missing from the checkpoint");
      return nullptr;
    }
    const NamedTensor& t = *it->second;
    by_name_.erase(it);
    if (DtypeSize(t.dtype) == 0) {
      *err = MakeError(codes::kInvalidValue, path, "dtype " + t.dtype + " is not F32, F16 or BF16");
      return nullptr;
    }
    if (t.shape != shape) {
      *err = MakeError(
          codes::kInvalidValue, path,
          "shape " + ShapeString(t.shape) + " does not match the model's " + ShapeString(shape));
      return nullptr;
    }
    int64_t n = 1;
    for (int64_t d : shape) n *= d;  // bounded by the model limits
    if (static_cast<int64_t>(t.data.size()) != n * DtypeSize(t.dtype)) {
      *err = MakeError(codes::kInvalidValue, path, "data size does not match the shape");
      return nullptr;
    }
    return &t;
  }

  // Fills `mat` (shaped by AllocateWeights) from tensor `name`.
  bool Matrix(const std::string& name, WeightKind kind, decoder::Matrix& mat, Error* err) {
    const NamedTensor* t = Take(name, {mat.rows, mat.cols}, err);
    if (t == nullptr) return false;
    std::vector<float> row(mat.cols);  // [cols]
    for (int64_t r = 0; r < mat.rows; ++r) {
      for (int64_t c = 0; c < mat.cols; ++c) {
        row[c] = Element(*t, r * mat.cols + c);
        if (!std::isfinite(row[c])) return NonFinite(name, r * mat.cols + c, row[c], err);
      }
      StoreRow(mat, kind, r, row.data());
    }
    return true;
  }

  bool Vector(const std::string& name, int64_t n, std::vector<float>& out, Error* err) {
    const NamedTensor* t = Take(name, {n}, err);
    if (t == nullptr) return false;
    out.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      out[i] = Element(*t, i);
      if (!std::isfinite(out[i])) return NonFinite(name, i, out[i], err);
    }
    return true;
  }

  // Fails on a tensor nobody asked for (rotary inverse-frequency buffers are recomputed, so they
  // are allowed).
  bool Finish(Error* err) const {
    for (const auto& [name, t] : by_name_) {
      if (name.find("rotary_emb.inv_freq") != std::string::npos) continue;
      *err = MakeError(codes::kUnknownKey, "/" + name, "tensor not used by this model");
      return false;
    }
    return true;
  }

 private:
  // A NaN or infinite weight would decode garbage (issue 12 item 3): rejected, naming the tensor
  // and the element.
  static bool NonFinite(const std::string& name, int64_t index, float v, Error* err) {
    *err = MakeError(codes::kInvalidValue, "/" + name,
                     "element " + std::to_string(index) + " is " +
                         (std::isnan(v) ? std::string("NaN") : std::string("infinite")) +
                         "; weights must be finite");
    return false;
  }

  std::map<std::string, const NamedTensor*> by_name_;
};

}  // namespace

Result<Weights> WeightsFromTensors(const model::ModelConfig& m, WeightKind kind,
                                   const std::vector<NamedTensor>& tensors) {
  const int64_t e = m.d_model;
  TensorSource src(tensors);
  Error err;
  Weights w = AllocateWeights(m, kind);
  bool ok = src.Matrix("model.embed_tokens.weight", kind, w.embedding, &err) &&
            (m.shared_embedding || src.Matrix("lm_head.weight", kind, w.unembedding, &err)) &&
            src.Vector("model.norm.weight", e, w.final_norm, &err);
  for (int64_t i = 0; ok && i < m.n_layers; ++i) {
    LayerWeights& l = w.layers[i];
    const std::string p = "model.layers." + std::to_string(i) + ".";
    ok = src.Vector(p + "input_layernorm.weight", e, l.attn_norm, &err) &&
         (m.block_type == model::BlockType::kParallel ||
          src.Vector(p + "post_attention_layernorm.weight", e, l.ffn_norm, &err)) &&
         src.Matrix(p + "self_attn.q_proj.weight", kind, l.wq, &err) &&
         src.Matrix(p + "self_attn.k_proj.weight", kind, l.wk, &err) &&
         src.Matrix(p + "self_attn.v_proj.weight", kind, l.wv, &err) &&
         src.Matrix(p + "self_attn.o_proj.weight", kind, l.wo, &err) &&
         src.Matrix(p + "mlp.gate_proj.weight", kind, l.w_gate, &err) &&
         src.Matrix(p + "mlp.up_proj.weight", kind, l.w_up, &err) &&
         src.Matrix(p + "mlp.down_proj.weight", kind, l.w_down, &err);
  }
  if (ok) ok = src.Finish(&err);
  if (!ok) return err;
  return w;
}

std::vector<NamedTensor> TensorsOf(const model::ModelConfig& m, const Weights& w) {
  std::vector<NamedTensor> out;
  auto mat = [&](const std::string& name, const Matrix& x) {
    out.push_back({name,
                   "F32",
                   {x.rows, x.cols},
                   {reinterpret_cast<const uint8_t*>(x.f32.data()), x.f32.size() * sizeof(float)}});
  };
  auto vec = [&](const std::string& name, const std::vector<float>& x) {
    out.push_back({name,
                   "F32",
                   {static_cast<int64_t>(x.size())},
                   {reinterpret_cast<const uint8_t*>(x.data()), x.size() * sizeof(float)}});
  };
  mat("model.embed_tokens.weight", w.embedding);
  if (!m.shared_embedding) mat("lm_head.weight", w.unembedding);
  vec("model.norm.weight", w.final_norm);
  for (int64_t i = 0; i < m.n_layers; ++i) {
    const LayerWeights& l = w.layers[i];
    const std::string p = "model.layers." + std::to_string(i) + ".";
    vec(p + "input_layernorm.weight", l.attn_norm);
    if (m.block_type == model::BlockType::kSerial)
      vec(p + "post_attention_layernorm.weight", l.ffn_norm);
    mat(p + "self_attn.q_proj.weight", l.wq);
    mat(p + "self_attn.k_proj.weight", l.wk);
    mat(p + "self_attn.v_proj.weight", l.wv);
    mat(p + "self_attn.o_proj.weight", l.wo);
    mat(p + "mlp.gate_proj.weight", l.w_gate);
    mat(p + "mlp.up_proj.weight", l.w_up);
    mat(p + "mlp.down_proj.weight", l.w_down);
  }
  return out;
}

}  // namespace esti::decoder
