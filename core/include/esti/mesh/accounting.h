// Measured collectives next to the cost model's volumes for the same model, mesh and layout.
//
// The cost model (cost/pass.cpp) counts bf16 activations (2 bytes) and weights in their stored
// format; the sharded decoder moves fp32 activations, int32 accumulators and int8 or fp32
// weights. Both are therefore compared in ELEMENTS per chip (the paper's D divided by the bytes
// of one element), and the bytes each side counts are listed as they are:
//   bytes_measured = what the transport moved (D at the decoder's element width),
//   bytes_model    = the cost model's D (bf16 activations; int8 or bf16 weights).
// One convention needs a word: in a parallel block the output reduce-scatter carries two values
// per activation element (the W_o and W_down outputs, kept apart so that int8 partial sums can
// be added as integers and dequantized with their own scales; the paper fuses them, ESTI §3.4).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "esti/decoder/config.h"
#include "esti/mesh/sharded_decoder.h"
#include "esti/mesh/transport.h"
#include "esti/model/model.h"

namespace esti::mesh {

struct CollectiveRow {
  std::string name;
  std::string kind;  // all_gather, reduce_scatter, all_reduce, all_to_all
  std::string axes;  // "x", "yz", ...
  int64_t group = 1;
  int64_t calls = 0;
  double bytes_measured = 0;     // per chip, D convention, summed over calls
  double bytes_sent = 0;         // per chip, what a ring sends
  double elements_measured = 0;  // activation / weight elements (D / element bytes / values)
  bool in_cost_model = false;
  double bytes_model = 0;  // cost model's D over the same passes (0 when not in the model)
  double elements_model = 0;
  bool match = false;  // elements_measured == elements_model (in_cost_model only)
  double seconds = 0;
};

// `records` cover `passes` forward passes of `tokens_per_sequence` new tokens for each of `batch`
// sequences. Every collective of the cost model for this plan is listed (a model collective the
// decoder did not run appears with calls 0), then the extra ones.
std::vector<CollectiveRow> CompareWithModel(const std::vector<CollectiveRecord>& records,
                                            const model::ModelConfig& m, const MeshShape& shape,
                                            const Layout& layout, decoder::WeightKind kind,
                                            int64_t batch, int64_t tokens_per_sequence,
                                            int64_t passes);

// The cost model's per-chip stored weight elements and KV-cache elements (for `context` tokens).
struct ModelMemory {
  double weight_elements = 0;
  double kv_cache_elements = 0;
};
ModelMemory ModelMemoryPerChip(const model::ModelConfig& m, const MeshShape& shape,
                               const Layout& layout, decoder::WeightKind kind, int64_t batch,
                               int64_t context);

}  // namespace esti::mesh
