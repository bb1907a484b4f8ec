// The reference decoder's math (esti/decoder) partitioned over a mesh of chips as the paper's
// layouts prescribe, with every cross-chip data movement an explicit collective on a Transport.
//
// Roles (ESTI §3.2; role x, y, z = mesh axis 0, 1, 2):
//   ws1d    weights E F_xyz; activations B E_xyz; per layer all-gather(xyz) in, reduce-scatter(xyz)
//           out (§3.2.1).
//   ws2d    weights E_x F_yz; all-gather(yz) in, reduce-scatter(x) of the first matmul's output
//           (the "hidden"), all-gather(x) of the second matmul's input, reduce-scatter(yz) out
//           (§3.2.2).
//   wg_*    weights stored E_x F_yz (1/n of each layer per chip), all-gathered over the N batch
//           roles (x, xy or xyz) before each layer; tokens split B over those N chips; the rest of
//           the mesh runs ws1d over the remaining roles (§3.2.3).
//   attention over heads: each chip the heads of its slice of the hidden (K/V heads replicated
//   when there are fewer than chips); over batch: the hidden's Q/K/V all-to-all from a feature
//   split to a sequence split and the output back (§3.3, Fig 5b).
// Int8: per-channel int8 weights, per-token int8 activations as in the reference decoder. A
// sharded matmul sums int32 accumulators across chips (exact), and every per-token activation
// scale is a max over the whole vector (an all-reduce of max, exact), so token ids, logits and
// all activations equal the unsharded decoder's bit for bit. Fp32: partial sums are added across
// chips in rank order, so logits differ from the unsharded decoder by float rounding.
//
// The parts that the paper's per-layer model does not contain run as separately named
// collectives: the RMSNorm partial sums of squares carried along a split E (ws2d, in the unsharded
// order), the int8 activation scales, K/V heads replicated over chips, the embedding lookup's
// all-to-all (wg), and the final norm and logits. The cost model names each of them with its
// formula (cost/executed_collectives.h), so every collective here has a prediction (accounting.h).
// Dimensions that do not divide over the chips are padded (mesh/padding.h).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cost/plan.h"
#include "decoder/config.h"
#include "decoder/weights.h"
#include "esti/common/result.h"
#include "esti/mesh/transport.h"
#include "model/model.h"

namespace esti::mesh {

struct Padding;  // mesh/padding.h

struct Layout {
  cost::FfnLayout ffn = cost::FfnLayout::kWs2d;
  cost::AttentionSharding attention = cost::AttentionSharding::kHeads;
};

// Axis masks of a layout: batch = the N chips splitting the batch (wg only), e_in = the roles
// splitting E at the first matmul's input (x for ws2d), hidden = the roles splitting F at its
// output before any reduce-scatter.
struct LayoutAxes {
  uint8_t batch = 0, e_in = 0, hidden = 0;
};
LayoutAxes AxesOf(cost::FfnLayout l);

// What one chip holds (the cost model's per-chip weight and KV terms count elements x its own
// bytes per element: 1 int8 / 2 bf16 weights, 2 bytes per KV element).
struct ChipMemory {
  int64_t weight_elements = 0;    // matrix payload stored on this chip (embedding included)
  int64_t weight_bytes = 0;       // x 1 (int8) or 4 (fp32)
  int64_t replicated_bytes = 0;   // per-row int8 scales and norm gains, held by every chip
  int64_t kv_cache_elements = 0;  // K and V, all layers
  int64_t kv_cache_bytes = 0;     // x 4 (fp32 cache)
};

class ShardedDecoder {
 public:
  ShardedDecoder(ShardedDecoder&&) noexcept;
  ShardedDecoder& operator=(ShardedDecoder&&) noexcept;
  ~ShardedDecoder();

  // Copies each local chip's shards out of `full` (row-major, as GenerateWeights makes them),
  // padded where a dimension does not divide (mesh/padding.h). Errors name the field:
  // invalid_value at /ffn_layout or /attention_sharding when the layout cannot hold the model
  // even padded (PadForMesh).
  static Result<ShardedDecoder> Create(const model::ModelConfig& m, const decoder::Weights& full,
                                       const decoder::RunLimits& limits, const Layout& layout,
                                       Collectives* col);

  // One forward pass: tokens[b] for every sequence of the batch, all of the same length t.
  Result<int64_t> Forward(const std::vector<std::vector<int32_t>>& tokens);
  // Logits of sequence b's last token (every chip holds them after the final all-reduce; this is
  // the first local chip's copy).
  std::span<const float> Logits(int64_t b) const;
  int64_t Position(int64_t b) const;
  const std::vector<ChipMemory>& memory() const;  // per local chip
  // The model as executed: dimensions padded where they do not divide (mesh/padding.h); the cost
  // model's predictions (accounting.h) are for this model.
  const model::ModelConfig& executed_model() const;
  // Every padded or replicated tensor (mesh/padding.h), and the same as sentences.
  const std::vector<Padding>& padding() const;
  const std::vector<std::string>& notes() const;

 private:
  struct State;
  explicit ShardedDecoder(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

}  // namespace esti::mesh
