// One accelerator chip and the rules of the slices it is sold in.
#pragma once

#include <cstdint>
#include <string>

namespace esti::hardware {

// Efficiency factors and fixed latencies of the `calibrated` cost mode. The roofline mode ignores
// them. Values live in the hardware preset; `esti calibrate` reproduces them.
struct Calibration {
  double matmul_efficiency = 1.0;         // achieved / peak FLOP/s on large matmuls
  double hbm_efficiency = 1.0;            // achieved / peak HBM bandwidth on streaming reads
  double ici_efficiency = 1.0;            // achieved / peak link bandwidth in collectives
  double comm_overlap = 0.0;              // fraction of collective time hidden under compute
  double per_layer_overhead_s = 0.0;      // fixed cost per layer per forward pass (kernels, norms)
  double per_step_overhead_s = 0.0;       // fixed cost per forward pass (sampling, host)
};

// Which bandwidth a collective gets (ESTI uses one "network bandwidth", paper-facts §1, §10).
enum class CollectiveBandwidth {
  kAllLinks,  // every collective gets all of the chip's links (ESTI's literal reading: 270 GB/s)
  kPerAxis,   // only the links of the torus axes it runs over (scaling-book's reading)
};

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
  int64_t max_axis_chips = 0;                 // longest torus axis a slice may have
  int64_t max_chips = 0;                      // largest slice (a pod)
  int64_t torus_axis_multiple = 0;            // an axis is <= this or a multiple of it
  double cost_per_chip_hour_usd = 0;          // 0 when unknown; only used for $ figures
  Calibration calibration;
};

}  // namespace esti::hardware
