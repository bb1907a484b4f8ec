// One accelerator chip and the rules of the slices it is sold in.
#pragma once

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

struct ChipSpec {
  std::string id;
  std::string name;
  double peak_flops_per_s_bf16 = 0;
  double peak_flops_per_s_int8 = 0;
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
  Calibration calibration;
};

}  // namespace esti::hardware
