// api::Decode: runs the reference decoder on a request (model, prompt, sampling, weight format).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "decode_work.h"
#include "decoder/config.h"
#include "decoder/decoder.h"
#include "decoder/prng.h"
#include "decoder/sampling.h"
#include "decoder/weights.h"
#include "esti/io/safetensors.h"
#include "esti/mesh/transport.h"
#include "io/spec_io.h"
#include "mesh/accounting.h"
#include "mesh/link_fit.h"
#include "mesh/padding.h"
#include "mesh/sharded_decoder.h"
#include "respond.h"

namespace esti::api {

namespace {

// Set by CancelDecode (possibly from a signal handler), read between decode steps.
std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free);

using decoder::Counts;
using decoder::WeightKind;

inline constexpr int64_t kMaxPromptTokens = 4096;
inline constexpr int64_t kMaxNewTokens = 4096;
inline constexpr int64_t kMaxSeed = (int64_t{1} << 53);  // exact in a JSON double

io::Json CountsToJson(const Counts& c) {
  return {{"matmul_flops", c.matmul_flops},
          {"attention_flops", c.attention_flops},
          {"weight_bytes", c.weight_bytes},
          {"weight_scale_bytes", c.weight_scale_bytes},
          {"embedding_lookup_bytes", c.embedding_lookup_bytes},
          {"kv_read_bytes", c.kv_read_bytes},
          {"kv_write_bytes", c.kv_write_bytes}};
}

void Check(const Result<int64_t>& r) {
  if (!r.ok()) throw io::InputError{r.error()};
}

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

const char* LayoutName(cost::FfnLayout l) { return cost::ToString(l); }

// The sharded decoder on `shape` (ESTI §3.2, §3.3): tokens, per-chip memory next to the cost
// model's, and every collective of the prefill and of the decode steps with its bytes and the
// cost model's.
io::Json RunSharded(const model::ModelConfig& m, const decoder::Weights& weights,
                    const decoder::RunLimits& limits, const mesh::MeshShape& shape,
                    const mesh::Layout& layout, mesh::Transport* external,
                    const std::vector<int32_t>& prompt, int64_t n_new, WeightKind kind,
                    uint64_t seed, const decoder::SamplingOptions& so,
                    const std::optional<mesh::LinkFit>& link) {
  std::optional<mesh::LocalMesh> local;
  mesh::Transport* t = external;
  if (t == nullptr) {
    local.emplace(shape);
    t = &*local;
  } else if (t->shape().dims != shape.dims) {
    io::Fail(codes::kInvalidValue, "/mesh",
             "mesh " + shape.ToString() + " does not match the transport's " +
                 t->shape().ToString() + " (" + std::to_string(t->shape().chips()) + " ranks)");
  }
  mesh::Collectives col(t);
  Result<mesh::ShardedDecoder> made =
      mesh::ShardedDecoder::Create(m, weights, limits, layout, &col);
  if (!made.ok()) throw io::InputError{made.error()};
  mesh::ShardedDecoder& dec = made.value();
  const int64_t batch = limits.batch;
  std::vector<decoder::Sampler> samplers;
  for (int64_t b = 0; b < batch; ++b)
    samplers.emplace_back(so, decoder::DeriveSeed(seed, 1000 + b));
  std::vector<std::vector<int32_t>> out(batch);
  io::Json rows = io::Json::array();
  auto add_rows = [&](const char* phase, int64_t tokens_per_seq, int64_t passes) {
    for (const mesh::CollectiveRow& c :
         mesh::CompareWithModel(col.records(), dec.executed_model(), shape, layout, kind, batch,
                                tokens_per_seq, passes)) {
      io::Json j = {{"phase", phase},
                    {"name", c.name},
                    {"kind", c.kind},
                    {"axes", c.axes},
                    {"group", c.group},
                    {"calls", c.calls},
                    {"calls_model", c.calls_model},
                    {"bytes_measured", c.bytes_measured},
                    {"bytes_model", c.bytes_model},
                    {"match", c.match},
                    {"in_cost_model", c.in_cost_model},
                    {"in_paper", c.in_paper},
                    {"bytes_paper", c.in_paper ? io::Json(c.bytes_paper) : io::Json(nullptr)},
                    {"formula", c.formula},
                    {"bytes_sent", c.bytes_sent},
                    {"seconds", c.seconds}};
      if (link) {
        j["seconds_model"] =
            mesh::PredictSeconds(*link, static_cast<double>(c.calls), c.bytes_sent);
      }
      rows.push_back(j);
    }
    col.ClearRecords();
  };
  const auto t0 = std::chrono::steady_clock::now();
  Check(dec.Forward(std::vector<std::vector<int32_t>>(batch, prompt)));
  for (int64_t b = 0; b < batch; ++b) out[b].push_back(samplers[b].Next(dec.Logits(b)));
  add_rows("prefill", static_cast<int64_t>(prompt.size()), 1);
  for (int64_t step = 1; step < n_new; ++step) {
    std::vector<std::vector<int32_t>> next(batch);
    for (int64_t b = 0; b < batch; ++b) next[b] = {out[b].back()};
    Check(dec.Forward(next));
    for (int64_t b = 0; b < batch; ++b) out[b].push_back(samplers[b].Next(dec.Logits(b)));
  }
  if (n_new > 1) add_rows("decode", 1, n_new - 1);
  const double run_s = Since(t0);

  io::Json j;
  j["tokens"] = out;
  j["run_s"] = run_s;
  j["weights"] = decoder::ToString(kind);
  j["batch"] = batch;
  j["prompt_tokens"] = static_cast<int64_t>(prompt.size());
  j["model"] = io::ModelToJson(m);
  j["mesh"] = shape.ToString();
  j["chips"] = shape.chips();
  j["transport"] = t->name();
  j["ffn_layout"] = LayoutName(layout.ffn);
  j["attention_sharding"] = cost::ToString(layout.attention);
  const mesh::ModelMemory mm = mesh::ModelMemoryPerChip(dec.executed_model(), shape, layout, kind,
                                                        batch, limits.max_seq_len);
  io::Json mem = io::Json::array();
  for (size_t i = 0; i < dec.memory().size(); ++i) {
    const mesh::ChipMemory& c = dec.memory()[i];
    mem.push_back({{"chip", t->local_chips()[i]},
                   {"weight_elements", c.weight_elements},
                   {"weight_bytes", c.weight_bytes},
                   {"replicated_bytes", c.replicated_bytes},
                   {"kv_cache_elements", c.kv_cache_elements},
                   {"kv_cache_bytes", c.kv_cache_bytes},
                   {"weight_elements_model", mm.weight_elements},
                   {"kv_cache_elements_model", mm.kv_cache_elements}});
  }
  j["memory_per_chip"] = mem;
  j["notes"] = dec.notes();
  io::Json padding = io::Json::array();
  for (const mesh::Padding& p : dec.padding()) {
    padding.push_back({{"tensor", p.tensor},
                       {"how", p.how},
                       {"size", p.size},
                       {"executed", p.executed},
                       {"why", p.why}});
  }
  j["padding"] = padding;
  j["collectives"] = rows;
  j["accounting"] =
      "per chip, the paper's D (output of an all-gather, input of the others; App. A.1). "
      "bytes_measured: what the transport moved; bytes_model: the cost model at the decoder's "
      "widths (fp32 activations, int32/fp32 partial sums, int8/fp32 weights, a parallel block's "
      "two output partial sums apart) for the padded batch and model, every collective named "
      "(formula); bytes_paper: the paper's per-layer term at bf16 (in_paper).";
  return j;
}

// `checkpoint` is null for synthetic weights; otherwise the file bytes, validated whole (an empty
// file is an error, not a request for synthetic weights).
io::Json Run(const io::Json& req, const std::string_view* checkpoint, mesh::Transport* transport) {
  const auto t_setup = std::chrono::steady_clock::now();
  io::ObjectReader r(req, "");
  model::ModelConfig m = io::ReadModel(r.Required("model"), "/model");
  const io::Json& prompt_json = r.Required("prompt");
  if (!prompt_json.is_array())
    io::Fail(codes::kTypeError, "/prompt", "expected an array of token ids");
  if (prompt_json.empty() || static_cast<int64_t>(prompt_json.size()) > kMaxPromptTokens) {
    io::Fail(codes::kOutOfRange, "/prompt",
             "prompt must hold 1.." + std::to_string(kMaxPromptTokens) + " tokens");
  }
  std::vector<int32_t> prompt;
  for (size_t i = 0; i < prompt_json.size(); ++i) {
    prompt.push_back(static_cast<int32_t>(
        io::ToInt(prompt_json[i], "/prompt/" + std::to_string(i), 0, m.vocab_size - 1)));
  }
  const int64_t n_new = r.Int("tokens", 1, kMaxNewTokens);
  const WeightKind kind = r.OptEnum<WeightKind>("weights").value_or(WeightKind::kInt8);
  const uint64_t seed = static_cast<uint64_t>(r.OptInt("seed", 0, kMaxSeed).value_or(0));
  const int64_t batch = r.OptInt("batch", 1, decoder::kMaxBatch).value_or(1);
  decoder::SamplingOptions so;
  so.temperature = r.OptNumber("temperature", 0, decoder::kMaxTemperature).value_or(0);
  so.top_k = r.OptInt("top_k", 0, m.vocab_size).value_or(0);
  so.top_p = r.OptNumber("top_p", 1e-9, 1).value_or(1);
  const bool want_steps = r.OptBool("step_times").value_or(false);
  const bool want_hashes = r.OptBool("hashes").value_or(true);
  // Sharded run (esti/mesh): a mesh and a layout; the transport is the in-process mesh unless
  // the caller passes one (the CLI under mpirun).
  std::optional<mesh::MeshShape> mesh_shape;
  std::optional<mesh::LinkFit> link;
  mesh::Layout layout;
  if (r.Has("mesh")) {
    Result<mesh::MeshShape> ms = mesh::ParseMesh(r.String("mesh", 32), "/mesh");
    if (!ms.ok()) throw io::InputError{ms.error()};
    mesh_shape = ms.value();
    layout.ffn = r.OptEnum<cost::FfnLayout>("ffn_layout").value_or(layout.ffn);
    layout.attention =
        r.OptEnum<cost::AttentionSharding>("attention_sharding").value_or(layout.attention);
    // The mesh decoder executes the paper's two shardings; the GQA hybrid is costed only
    // (docs/gqa-attention.md).
    if (layout.attention == cost::AttentionSharding::kHybrid) {
      io::Fail(codes::kInvalidValue, "/attention_sharding",
               "the sharded decoder runs attention over \"heads\" or \"batch\"; \"hybrid\" "
               "(K/V heads over some axes, batch over the rest) is costed by evaluate, search and "
               "frontier but not executed yet");
    }
    const bool mpi = r.Has("transport") && r.OneOf("transport", {"local", "mpi"}) == "mpi";
    if (mpi && transport == nullptr) {
      io::Fail(codes::kInvalidValue, "/transport",
               "the mpi transport runs only from the esti command under mpirun (esti decode "
               "--transport mpi); this front end has the in-process mesh (\"local\")");
    }
    if (!mpi) transport = nullptr;
    if (r.Has("link")) {
      io::ObjectReader lr(r.Required("link"), "/link");
      mesh::LinkFit f;
      f.latency_s = lr.Number("latency_s", 0, 1);
      f.bandwidth_bytes_per_s = lr.Number("bandwidth_bytes_per_s", 1, 1e15);
      lr.Finish();
      link = f;
    }
  } else {
    for (const char* key : {"ffn_layout", "attention_sharding", "transport", "link"}) {
      if (r.Has(key)) io::Fail(codes::kInvalidValue, "/" + std::string(key), "needs \"mesh\"");
    }
  }
  r.Finish();

  const int64_t prompt_len = static_cast<int64_t>(prompt.size());
  if (prompt_len + n_new > decoder::kMaxSequenceLength) {
    io::Fail(codes::kTooLarge, "/tokens",
             "prompt + tokens exceeds " + std::to_string(decoder::kMaxSequenceLength));
  }
  decoder::RunLimits limits;
  limits.batch = batch;
  limits.max_seq_len = prompt_len + n_new;
  limits.max_tokens_per_pass = batch * prompt_len;
  // Memory is planned (and too_large reported) before any weight is allocated.
  Result<decoder::MemoryPlan> plan = decoder::PlanMemory(m, kind, limits);
  if (!plan.ok()) throw io::InputError{plan.error()};
  // Time (FLOPs, sampling) and the sampler's memory are bounded before any work too.
  internal::CheckDecodeWork(internal::EstimateDecodeWork(m, batch, prompt_len, n_new, so),
                            plan->total_bytes);

  decoder::Weights weights;
  if (checkpoint == nullptr) {
    weights = decoder::GenerateWeights(m, kind, seed);
  } else {
    std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(checkpoint->data()),
                                   checkpoint->size());
    Result<std::vector<io::SafetensorsTensor>> parsed = io::ParseSafetensors(bytes);
    if (!parsed.ok()) {
      Error e = parsed.error();
      e.path = "/checkpoint" + e.path;
      throw io::InputError{e};
    }
    std::vector<decoder::NamedTensor> tensors;
    for (const io::SafetensorsTensor& t : parsed.value()) {
      tensors.push_back({t.name, t.dtype, t.shape, bytes.subspan(t.begin, t.end - t.begin)});
    }
    Result<decoder::Weights> w = decoder::WeightsFromTensors(m, kind, tensors);
    if (!w.ok()) {
      Error e = w.error();
      e.path = "/checkpoint" + e.path;
      throw io::InputError{e};
    }
    weights = std::move(w).value();
  }
  if (mesh_shape) {
    return RunSharded(m, weights, limits, *mesh_shape, layout, transport, prompt, n_new, kind, seed,
                      so, link);
  }
  Result<decoder::Decoder> created = decoder::Decoder::Create(m, std::move(weights), limits);
  if (!created.ok()) throw io::InputError{created.error()};
  decoder::Decoder& dec = created.value();
  dec.set_trace_hashes(want_hashes);
  const double setup_s = Since(t_setup);

  std::vector<decoder::Sampler> samplers;
  for (int64_t b = 0; b < batch; ++b)
    samplers.emplace_back(so, decoder::DeriveSeed(seed, 1000 + b));
  std::vector<std::vector<int32_t>> out(batch);

  // Prefill: every sequence's prompt in one pass.
  const auto t_prefill = std::chrono::steady_clock::now();
  Check(dec.Forward(std::vector<std::vector<int32_t>>(batch, prompt)));
  for (int64_t b = 0; b < batch; ++b) out[b].push_back(samplers[b].Next(dec.Logits(b)));
  const double prefill_s = Since(t_prefill);
  const Counts prefill_counts = dec.counts();
  dec.ResetCounts();

  // Decode: one token per sequence per step.
  std::vector<double> step_s;
  const auto t_decode = std::chrono::steady_clock::now();
  bool cancelled = false;
  for (int64_t step = 1; step < n_new; ++step) {
    if (g_cancel.load(std::memory_order_relaxed)) {
      cancelled = true;
      break;
    }
    const auto t_step = std::chrono::steady_clock::now();
    std::vector<std::vector<int32_t>> next(batch);
    for (int64_t b = 0; b < batch; ++b) next[b] = {out[b].back()};
    Check(dec.Forward(next));
    for (int64_t b = 0; b < batch; ++b) out[b].push_back(samplers[b].Next(dec.Logits(b)));
    step_s.push_back(Since(t_step));
  }
  const double decode_s = Since(t_decode);

  io::Json j;
  j["tokens"] = out;
  j["cancelled"] = cancelled;
  const int64_t produced = static_cast<int64_t>(out[0].size());  // n_new unless cancelled
  const double generated = static_cast<double>(batch * produced);
  j["tokens_per_s"] = generated / (prefill_s + decode_s);
  j["decode_tokens_per_s"] = produced > 1 && decode_s > 0
                                 ? io::Json(static_cast<double>(batch * (produced - 1)) / decode_s)
                                 : io::Json();
  j["setup_s"] = setup_s;
  j["prefill_s"] = prefill_s;
  j["decode_s"] = decode_s;
  if (want_steps) j["step_s"] = step_s;
  j["weights"] = decoder::ToString(kind);
  j["kernel"] = kind == WeightKind::kInt8 ? decoder::ToString(dec.kernel()) : "fp32_reference";
  j["batch"] = batch;
  j["prompt_tokens"] = prompt_len;
  j["model"] = io::ModelToJson(m);
  j["memory_bytes"] = {{"weights", plan->weight_bytes},
                       {"kv_cache", plan->kv_cache_bytes},
                       {"scratch", plan->scratch_bytes},
                       {"total", plan->total_bytes}};
  j["kv_bytes_per_element"] = decoder::kKvCacheBytesPerElement;
  j["counts"] = {{"prefill", CountsToJson(prefill_counts)}, {"decode", CountsToJson(dec.counts())}};
  if (kind == WeightKind::kInt8 && want_hashes) {
    io::Json hashes = io::Json::array();
    for (uint64_t h : dec.layer_hashes()) hashes.push_back(decoder::HashHex(h));
    j["layer_hashes"] = hashes;
  }
  return j;
}

}  // namespace

void CancelDecode() { g_cancel.store(true, std::memory_order_relaxed); }

std::string Decode(std::string_view request) { return Decode(request, nullptr, nullptr); }

std::string Decode(std::string_view request, std::string_view checkpoint) {
  return Decode(request, &checkpoint, nullptr);
}

std::string Decode(std::string_view request, const std::string_view* checkpoint,
                   mesh::Transport* transport) {
  std::string out = internal::Respond(
      request, [&](const io::Json& req) { return Run(req, checkpoint, transport); });
  g_cancel.store(false, std::memory_order_relaxed);
  return out;
}

}  // namespace esti::api
