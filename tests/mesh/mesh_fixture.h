// What tests/mesh (in-process mesh) and tests/mpi (one rank per chip) share: the small models,
// the prompts, a generation loop for the unsharded and the sharded decoder, and the check that
// every collective moved exactly the bytes the cost model predicts.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "decoder/decoder.h"
#include "mesh/accounting.h"
#include "mesh/sharded_decoder.h"

namespace esti::mesh::testing {

inline model::ModelConfig Small(int64_t kv_heads,
                                model::BlockType block = model::BlockType::kParallel) {
  model::ModelConfig m;
  m.id = "mesh-test";
  m.n_layers = 2;
  m.d_model = 64;
  m.d_ff = 128;
  m.n_heads = 8;
  m.n_kv_heads = kv_heads;
  m.d_head = 8;
  m.vocab_size = 96;
  m.block_type = block;
  m.shared_embedding = block == model::BlockType::kParallel;
  return m;
}

inline constexpr int64_t kBatch = 8, kPromptLen = 3, kSteps = 3;

inline decoder::RunLimits Limits(int64_t batch = kBatch) {
  decoder::RunLimits l;
  l.batch = batch;
  l.max_seq_len = kPromptLen + kSteps;
  l.max_tokens_per_pass = batch * kPromptLen;
  return l;
}

inline std::vector<std::vector<int32_t>> Prompts(const model::ModelConfig& m,
                                                 int64_t batch = kBatch) {
  std::vector<std::vector<int32_t>> p(batch);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < kPromptLen; ++i)
      p[b].push_back(static_cast<int32_t>((b * 31 + i * 7 + 1) % m.vocab_size));
  return p;
}

inline int32_t ArgMax(std::span<const float> l) {
  return static_cast<int32_t>(std::max_element(l.begin(), l.end()) - l.begin());
}

// Tokens of a greedy generation (a prefill, then kSteps - 1 decode steps), the logits of its
// last pass and, for a sharded decoder, the collectives of the prefill and of the decode steps.
struct Generation {
  std::vector<std::vector<int32_t>> tokens;
  std::vector<float> logits;  // last pass, all sequences
  std::vector<CollectiveRecord> prefill, decode;
};

template <class D>
Generation Generate(D& dec, const model::ModelConfig& m, int64_t batch = kBatch,
                    Collectives* col = nullptr) {
  Generation r;
  r.tokens.assign(batch, {});
  std::vector<std::vector<int32_t>> in = Prompts(m, batch);
  for (int64_t step = 0; step < kSteps; ++step) {
    Result<int64_t> ok = dec.Forward(in);
    EXPECT_TRUE(ok.ok()) << (ok.ok() ? "" : ok.error().message);
    if (!ok.ok()) return r;
    r.logits.clear();
    for (int64_t b = 0; b < batch; ++b) {
      std::span<const float> l = dec.Logits(b);
      r.tokens[b].push_back(ArgMax(l));
      r.logits.insert(r.logits.end(), l.begin(), l.end());
      in[b] = {r.tokens[b].back()};
    }
    if (col && step == 0) {
      r.prefill = col->records();
      col->ClearRecords();
    }
  }
  if (col) r.decode = col->records();
  return r;
}

inline Generation Reference(const model::ModelConfig& m, decoder::WeightKind kind,
                            int64_t batch = kBatch) {
  decoder::Decoder d =
      decoder::Decoder::Create(m, decoder::GenerateWeights(m, kind, 3), Limits(batch)).value();
  return Generate(d, m, batch);
}

// Every collective the decoder ran is one the cost model names, with exactly its bytes and
// calls, and every collective the cost model names ran (prefill, then the decode steps).
inline void ExpectBytesEqualTheModel(const Generation& g, const ShardedDecoder& dec,
                                     const MeshShape& shape, const Layout& layout,
                                     decoder::WeightKind kind, int64_t batch) {
  const struct {
    const char* phase;
    const std::vector<CollectiveRecord>* records;
    int64_t tokens, passes;
  } phases[] = {{"prefill", &g.prefill, kPromptLen, 1}, {"decode", &g.decode, 1, kSteps - 1}};
  for (const auto& p : phases) {
    const std::vector<CollectiveRow> rows = CompareWithModel(
        *p.records, dec.executed_model(), shape, layout, kind, batch, p.tokens, p.passes);
    int paper = 0;
    for (const CollectiveRow& r : rows) {
      paper += r.in_paper;
      EXPECT_TRUE(r.in_cost_model) << p.phase << " " << r.name << " over " << r.axes;
      EXPECT_EQ(r.bytes_measured, r.bytes_model) << p.phase << " " << r.name << " over " << r.axes;
      EXPECT_EQ(r.calls, r.calls_model) << p.phase << " " << r.name << " over " << r.axes;
      EXPECT_TRUE(r.match) << p.phase << " " << r.name;
    }
    EXPECT_GT(paper, 0) << p.phase;
  }
}

}  // namespace esti::mesh::testing
