// What the cost model evaluates: a workload on a slice, partitioned by one layout.
// Notation (ESTI §3.1): physical torus axes play the roles x, y, z of a layout; E = d_model,
// F = d_ff, B = batch, L = tokens per sequence in one forward pass.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "esti/common/enum_table.h"
#include "hardware/chip.h"
#include "hardware/topology.h"
#include "model/model.h"

namespace esti::cost {

enum class Phase { kPrefill, kDecode };
// FFN (and attention projection) layouts, ESTI §3.2: 1D / 2D weight-stationary and weight-gathered
// over x, xy or xyz.
enum class FfnLayout { kWs1d, kWs2d, kWgX, kWgXy, kWgXyz };
inline constexpr std::array<FfnLayout, 5> kAllFfnLayouts = {
    FfnLayout::kWs1d, FfnLayout::kWs2d, FfnLayout::kWgX, FfnLayout::kWgXy, FfnLayout::kWgXyz};
// Attention sharded over heads (K/V heads replicated when chips > kv heads) or over batch
// (multiquery optimisation, ESTI §3.3 Fig 4c), or the hybrid of the two for grouped-query
// attention (1 < K/V heads < chips): K/V heads over the role axes whose product divides n_kv_heads
// (or best matches it), batch over the rest (pass.h SplitAttention, docs/gqa-attention.md).
enum class AttentionSharding { kHeads, kBatch, kHybrid };
// roofline: the paper's terms, a lower bound. calibrated: efficiencies and overheads from the
// hardware preset (see cost/evaluate.h for how terms combine).
enum class Mode { kRoofline, kCalibrated };

inline constexpr EnumEntry<Phase> kPhaseNames[] = {
    {Phase::kDecode, "decode", "Decode (generate)"},
    {Phase::kPrefill, "prefill", "Prefill (process the prompt)"}};
inline constexpr EnumEntry<FfnLayout> kFfnLayoutNames[] = {
    {FfnLayout::kWs1d, "ws1d", "1D weight-stationary"},
    {FfnLayout::kWs2d, "ws2d", "2D weight-stationary"},
    {FfnLayout::kWgX, "wg_x", "Weight-gathered X"},
    {FfnLayout::kWgXy, "wg_xy", "Weight-gathered XY"},
    {FfnLayout::kWgXyz, "wg_xyz", "Weight-gathered XYZ"}};
inline constexpr EnumEntry<AttentionSharding> kAttentionShardingNames[] = {
    {AttentionSharding::kHeads, "heads", "Over heads"},
    {AttentionSharding::kBatch, "batch", "Over batch (multiquery)"},
    {AttentionSharding::kHybrid, "hybrid", "Hybrid: K/V heads and batch (GQA)"}};
inline constexpr EnumEntry<Mode> kModeNames[] = {
    {Mode::kCalibrated, "calibrated", "Calibrated (fitted to the paper)"},
    {Mode::kRoofline, "roofline", "Roofline (lower bound)"}};
constexpr std::span<const EnumEntry<Phase>> EnumTable(Phase) { return kPhaseNames; }
constexpr std::span<const EnumEntry<FfnLayout>> EnumTable(FfnLayout) { return kFfnLayoutNames; }
constexpr std::span<const EnumEntry<AttentionSharding>> EnumTable(AttentionSharding) {
  return kAttentionShardingNames;
}
constexpr std::span<const EnumEntry<Mode>> EnumTable(Mode) { return kModeNames; }

struct Workload {
  Phase phase = Phase::kDecode;
  int64_t batch = 1;
  int64_t input_tokens = 0;     // prefill: tokens processed; decode: context already cached
  int64_t generate_tokens = 0;  // decode steps (one token per sequence each)
};

// Which physical axis (0, 1, 2 of Topology::dims) plays layout role x, y and z.
struct AxisRoles {
  std::array<int, 3> physical{0, 1, 2};
};

struct Plan {
  hardware::Topology topology;
  AxisRoles roles;
  FfnLayout ffn_layout = FfnLayout::kWs2d;
  AttentionSharding attention = AttentionSharding::kBatch;
  model::WeightFormat weights = model::WeightFormat::kBf16;
  model::KvFormat kv_cache = model::KvFormat::kBf16;
};

// The format a plan's matmuls run in and its peak rate (docs/formats.md): bf16 weights, and the
// weight-only int8 and int4, compute in bf16 (ESTI §3.6); fp8 weights compute in fp8 on a chip
// with fp8 matmul units, else in the next format up, bf16, and `fallback` says so.
struct MatmulFormat {
  const char* format = "bf16";
  double peak_flops_per_s = 0;
  std::string fallback;  // empty when the weights' own format runs natively
};
MatmulFormat MatmulFormatFor(const hardware::ChipSpec& chip, model::WeightFormat weights);

struct Scenario {
  model::ModelConfig model;
  hardware::ChipSpec chip;
  Workload workload;
  Plan plan;
  Mode mode = Mode::kCalibrated;
};

const char* ToString(Phase p);
const char* ToString(FfnLayout l);
const char* ToString(AttentionSharding a);
const char* ToString(Mode m);

// Sizes of the x, y, z roles for a plan's topology and role assignment.
std::array<int64_t, 3> RoleSizes(const Plan& plan);

// What makes one physical axis differ from another for the cost model: its size and its
// interconnect level (levels < 4). Equal keys: swapping the axes changes nothing.
int64_t RoleKey(const hardware::Topology& t, int physical);

// Every distinct assignment of physical axes to roles (permutations giving the same sizes and
// wraparound are one assignment).
std::vector<AxisRoles> DistinctRoleAssignments(const hardware::Topology& t);

}  // namespace esti::cost
