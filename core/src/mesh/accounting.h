// Measured collectives next to the cost model's prediction for the same model, mesh and layout.
//
// The cost model's per-layer terms (cost/pass.h) count bf16 activations (2 bytes) and fuse the
// parallel block's two output matmuls into one sum (ESTI §3.4). The sharded decoder moves fp32
// activations, int32 (int8 weights) or fp32 partial sums, int8 or fp32 gathered weights, and
// keeps W_O's and W_down's outputs apart in a parallel block's output reduce-scatter (two values
// per element: int8 partial sums of the two have different activation scales). The cost model
// takes those widths as an input (cost/executed_collectives.h, DecoderWidths below) and also
// names the small collectives the paper's per-layer terms omit (activation scales, norm partial
// sums, replicated K/V heads, embedding, final gather, logits), so every collective the decoder
// runs has a prediction:
//   bytes_measured = what the transport moved, per chip (the paper's D, App. A.1),
//   bytes_model    = the cost model's D at the decoder's widths, for the padded batch and model,
//   bytes_paper    = the cost model's D at the paper's widths (bf16) for the executed model and
//                    the real batch (no batch padding), the paper's per-layer terms only.
// `match` is bytes_measured == bytes_model and calls == calls_model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cost/executed_collectives.h"
#include "decoder/config.h"
#include "esti/mesh/transport.h"
#include "mesh/sharded_decoder.h"
#include "model/model.h"

namespace esti::mesh {

struct CollectiveRow {
  std::string name;
  std::string kind;  // all_gather, reduce_scatter, all_reduce, all_to_all
  std::string axes;  // "x", "yz", ...
  int64_t group = 1;
  int64_t calls = 0;
  int64_t calls_model = 0;
  double bytes_measured = 0;   // per chip, D convention, summed over calls
  double bytes_sent = 0;       // per chip, what a ring sends
  bool in_cost_model = false;  // false only for a collective the cost model does not name (a bug)
  double bytes_model = 0;      // cost model's D at the decoder's widths over the same passes
  bool in_paper = false;       // one of the paper's per-layer terms
  double bytes_paper = 0;      // cost model's D at the paper's widths (in_paper only)
  std::string formula;         // how bytes_model is computed (cost/executed_collectives.h)
  bool match = false;          // bytes_measured == bytes_model and calls == calls_model
  double seconds = 0;
};

// The widths the sharded decoder moves (see above).
cost::ExecutionWidths DecoderWidths(decoder::WeightKind kind);

// `records` cover `passes` forward passes of `tokens_per_sequence` new tokens for each of `batch`
// sequences, run by the sharded decoder on `m_executed` (ShardedDecoder::executed_model(): the
// model padded where its dimensions do not divide). Every collective of the cost model for this
// plan is listed (a model collective the decoder did not run appears with calls 0, match false),
// then any record the model does not name (in_cost_model false).
std::vector<CollectiveRow> CompareWithModel(const std::vector<CollectiveRecord>& records,
                                            const model::ModelConfig& m_executed,
                                            const MeshShape& shape, const Layout& layout,
                                            decoder::WeightKind kind, int64_t batch,
                                            int64_t tokens_per_sequence, int64_t passes);

// The cost model's per-chip stored weight elements and KV-cache elements (for `context` tokens).
struct ModelMemory {
  double weight_elements = 0;
  double kv_cache_elements = 0;
};
ModelMemory ModelMemoryPerChip(const model::ModelConfig& m, const MeshShape& shape,
                               const Layout& layout, decoder::WeightKind kind, int64_t batch,
                               int64_t context);

}  // namespace esti::mesh
