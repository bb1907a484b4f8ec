// What the sharded decoder runs when a dimension of the model, or the batch, does not divide over
// the chips a layout splits it over: the paper pads or replicates (ESTI §3.3: chips idle when the
// batch is smaller than the chips splitting it; K/V heads replicated when chips exceed them), and
// so does the decoder. Every padded or replicated tensor is listed, so the output says which.
//
//   d_model   padded with zero columns to a multiple of all n chips (the embedding, the residual
//             and every E-side weight slice are E/n wide somewhere): zero gains keep it zero,
//             RMSNorm still divides by the real d_model.
//   d_ff      padded with zero rows of W_gate/W_up and zero columns of W_down to a multiple of the
//             chips splitting F: SwiGLU(0, 0) = 0.
//   n_heads   padded with zero query heads to a multiple of the chips splitting heads (attention
//             over heads) or until H d_head divides over them; padded heads' outputs are zero and
//             W_O's columns for them are zero. Multi-head attention pads its K/V heads alike.
//   K/V heads replicated over the chips splitting heads when fewer than them (each chip caches the
//             K/V head of its query heads).
//   batch     padded with idle sequence slots to a multiple of the chips splitting it; attention
//             over batch pads each shard's slots again over the other chips.
// Padding never changes a real token's result: zeros add nothing to a sum, leave every max |x|
// (the int8 scales) unchanged and quantize to zero.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "esti/common/result.h"
#include "esti/mesh/transport.h"
#include "mesh/sharded_decoder.h"
#include "model/model.h"

namespace esti::mesh {

struct Padding {
  std::string tensor;    // d_model, d_ff, n_heads, n_kv_heads, batch, attention_batch
  std::string how;       // "padded" or "replicated"
  int64_t size = 0;      // the model's (or request's)
  int64_t executed = 0;  // what the chips run (replicated: the chips holding copies)
  std::string why;
};

struct ExecutedModel {
  model::ModelConfig model;  // dimensions as executed (padded)
  int64_t batch_slots = 0;   // sequences the layout runs (>= batch)
  std::vector<Padding> padding;
};

// invalid_value naming /attention_sharding or /ffn_layout when the layout cannot hold the model
// even padded (K/V widths that do not divide; grouped K/V heads neither dividing nor divided by
// the chips splitting heads, or a chip's query heads spanning two K/V heads).
Result<ExecutedModel> PadForMesh(const model::ModelConfig& m, const MeshShape& shape,
                                 const Layout& layout, int64_t batch);

}  // namespace esti::mesh
