// One accelerator chip and the rules of the slices it is sold in.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "esti/common/enum_table.h"

namespace esti::hardware {

// One cross-validated residual of the calibration: ln(predicted / measured) for a measurement the
// fit that predicted it never saw (leave-one-model-out). Error bands are built from these.
struct CalibrationResidual {
  bool decode = false;
  double chips = 0;
  double batch = 0;
  double log_error = 0;
};

// What the calibration data covered: a configuration outside it gets a warning with its band.
struct CalibrationValidity {
  std::string hardware_id;  // the chip the measurements were taken on
  double min_chips = 0, max_chips = 0;
  double min_batch = 0, max_batch = 0;
  double min_params = 0, max_params = 0;  // total parameters of the measured models
  int64_t n_kv_heads = 0;                 // the models' K/V heads when they all share one count
  std::string block_type;                 // "parallel" / "serial" when all models share it
  std::string ffn_type;                   // "swiglu" / "gelu" / ... when all models share it
  std::vector<CalibrationResidual> residuals;
  bool empty() const { return residuals.empty(); }
};

// Efficiency factors and fixed costs of the `calibrated` cost mode, each with a physical cause
// (README "Calibrated mode"). The roofline mode ignores them. Values live in the hardware preset;
// `esti calibrate` reproduces them from measurements.
struct Calibration {
  double matmul_efficiency = 1.0;  // achieved / peak FLOP/s of a large matmul
  // Small matmuls: a per-chip weight dimension d runs at d / (d + matmul_half_dim) of the large-
  // matmul rate (Hockney's n-1/2: pipeline fill and drain of each weight tile, per-matmul set-up).
  double matmul_half_dim = 0.0;
  double hbm_efficiency = 1.0;             // achieved / peak HBM bandwidth on streaming reads
  double ici_efficiency = 1.0;             // achieved / peak link bandwidth in collectives
  double comm_overlap = 0.0;               // fraction of collective time hidden under compute
  double per_layer_overhead_s = 0.0;       // per layer per pass: kernel launches, synchronisation
  double per_collective_overhead_s = 0.0;  // start-up of each collective (plus hops x hop latency)
  double per_step_overhead_s = 0.0;        // per forward pass: sampling, host round trip
  CalibrationValidity validity;            // empty: no band can be given
};

// Which bandwidth a collective gets (ESTI App. A.1 uses one "network bandwidth"; see
// cost/collectives.h).
enum class CollectiveBandwidth {
  kAllLinks,  // every collective gets all of the chip's links (ESTI's literal reading: 270 GB/s)
  kPerAxis,   // only the links of the torus axes it runs over (scaling-book's reading)
};
inline constexpr EnumEntry<CollectiveBandwidth> kCollectiveBandwidthNames[] = {
    {CollectiveBandwidth::kAllLinks, "all_links",
     "All links (one network bandwidth, ESTI App. A.1)"},
    {CollectiveBandwidth::kPerAxis, "per_axis", "Links of the axes it runs over"}};
constexpr std::span<const EnumEntry<CollectiveBandwidth>> EnumTable(CollectiveBandwidth) {
  return kCollectiveBandwidthNames;
}

// How the chips along one mesh axis are wired (docs/interconnects.md gives each kind's collective
// formula and its source).
enum class LinkKind {
  kTorus,   // a ring with wraparound: each chip has a link to both neighbours, the ends joined
  kLine,    // the same links without the wraparound: a ring has to come back the way it went
  kSwitch,  // every pair talks at the full per-chip rate through a switch (NVSwitch, InfiniBand)
};
inline constexpr EnumEntry<LinkKind> kLinkKindNames[] = {
    {LinkKind::kTorus, "torus", "Torus (ring with wraparound)"},
    {LinkKind::kLine, "line", "Line (no wraparound)"},
    {LinkKind::kSwitch, "switch", "Switch (every pair at full rate)"}};
constexpr std::span<const EnumEntry<LinkKind>> EnumTable(LinkKind) { return kLinkKindNames; }
const char* ToString(LinkKind k);

// One level of a chip's interconnect: the axes a slice can have at that level and what a
// collective over them gets. Levels are ordered from the chip outwards (NVLink domain, then the
// network between domains).
struct InterconnectLevel {
  std::string name;  // "ici", "nvlink", "infiniband", ...
  LinkKind kind = LinkKind::kTorus;
  // torus / line: slice axes the level provides (TPU v4 and v5p 3, v5e and v6e 2); switch: 1.
  int64_t axes = 1;
  // torus / line: chips along one axis at most; switch: members of one domain at most (chips
  // for the first level, domains of the level below for the next).
  int64_t max_size = 1;
  // torus / line: an axis is <= axis_multiple or a multiple of it (TPU cube rule); a torus axis
  // has its wraparound when every axis of the slice longer than 1 is a multiple of
  // wraparound_multiple (0: never, i.e. kind line).
  int64_t axis_multiple = 1;
  int64_t wraparound_multiple = 0;
  // Bytes/s one chip sends (and receives) in a collective along one axis of this level: for a
  // torus axis, both directions of its ring (2 links); for a switch, the chip's port to it.
  double bandwidth_bytes_per_s = 0;
  double latency_s = 0;  // per hop (torus, line) or per step (switch) of a collective
};

struct ChipSpec {
  std::string id;
  std::string name;
  double peak_flops_per_s_bf16 = 0;
  double peak_flops_per_s_int8 = 0;  // 0: no int8 matmul hardware
  double peak_flops_per_s_fp8 = 0;   // 0: no fp8 matmul hardware
  double hbm_capacity_bytes = 0;
  double hbm_bandwidth_bytes_per_s = 0;
  double ici_link_bandwidth_bytes_per_s = 0;  // one direction of one link
  int64_t ici_links_per_chip = 0;             // 6 on a 3D torus: 2 directions x 3 axes
  double ici_hop_latency_s = 0;               // per hop of a collective
  CollectiveBandwidth collective_bandwidth = CollectiveBandwidth::kAllLinks;
  int64_t max_axis_chips = 0;       // longest torus axis a slice may have
  int64_t max_chips = 0;            // largest slice (a pod)
  int64_t torus_axis_multiple = 0;  // an axis is <= this or a multiple of it
  // Side of the matrix unit (TPU v4: 128x128 MXU). Calibrated mode pads per-chip weight dimensions
  // to a multiple of it and the token dimension to at least it; 0: no padding.
  int64_t matmul_unit_dim = 0;
  double cost_per_chip_hour_usd = 0;  // 0 when unknown; only used for $ figures
  std::string price_source;           // where the price was read ("" when not given)
  std::string price_date;             // when, YYYY-MM-DD ("" when not given)
  Calibration calibration;
  // The interconnect as data (docs/interconnects.md). Empty: one 3D torus level described by the
  // ici_* fields above (every hardware file written before levels existed, TPU v4's preset), with
  // the rules of topology.h; its results are exactly those of before (tests/hardware/
  // tpu_v4_golden_test.cpp).
  std::vector<InterconnectLevel> interconnect;
  // The slice shapes the product sells (dims ascending); empty: every shape the rules allow.
  std::vector<std::array<int64_t, 3>> slice_shapes;
};

// True when the first level is a switch (GPU nodes): slices are a domain, or whole domains joined
// by the next level.
bool IsSwitched(const ChipSpec& chip);

}  // namespace esti::hardware
