#include "esti/hardware/topology.h"

#include <algorithm>

namespace esti::hardware {

std::string Topology::ToString() const {
  return std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" + std::to_string(dims[2]);
}

namespace {

bool AxisAllowed(const ChipSpec& chip, int64_t n) {
  if (n < 1 || n > chip.max_axis_chips) return false;
  return n <= chip.torus_axis_multiple || n % chip.torus_axis_multiple == 0;
}

// Wraparound links exist only when the slice is made of whole cubes: every axis a multiple of
// torus_axis_multiple (GCP TPU v4 topologies; the tpu-v4 preset's "source" cites them).
std::array<bool, 3> Wraparound(const ChipSpec& chip, const std::array<int64_t, 3>& dims) {
  bool all = std::all_of(dims.begin(), dims.end(),
                         [&](int64_t d) { return d % chip.torus_axis_multiple == 0; });
  return {all, all, all};
}

}  // namespace

Result<Topology> MakeTopology(const ChipSpec& chip, std::array<int64_t, 3> dims,
                              const std::string& path) {
  for (int i = 0; i < 3; ++i) {
    if (!AxisAllowed(chip, dims[i])) {
      return MakeError(codes::kInvalidTopology, path + "/" + std::to_string(i),
                       "axis of " + std::to_string(dims[i]) + " chips is not allowed on " +
                           chip.id + ": each axis must be 1.." +
                           std::to_string(chip.torus_axis_multiple) + " or a multiple of " +
                           std::to_string(chip.torus_axis_multiple) + " up to " +
                           std::to_string(chip.max_axis_chips));
    }
  }
  Topology t{dims, Wraparound(chip, dims)};
  if (t.chips() > chip.max_chips) {
    return MakeError(codes::kInvalidTopology, path,
                     t.ToString() + " has " + std::to_string(t.chips()) + " chips; " + chip.id +
                         " slices have at most " + std::to_string(chip.max_chips));
  }
  return t;
}

std::vector<Topology> ValidTopologies(const ChipSpec& chip, int64_t chips) {
  std::vector<Topology> out;
  if (chips < 1 || chips > chip.max_chips) return out;
  for (int64_t a = 1; a * a * a <= chips; ++a) {
    if (chips % a != 0 || !AxisAllowed(chip, a)) continue;
    for (int64_t b = a; a * b * b <= chips; ++b) {
      if ((chips / a) % b != 0 || !AxisAllowed(chip, b)) continue;
      int64_t c = chips / a / b;
      if (!AxisAllowed(chip, c)) continue;
      std::array<int64_t, 3> dims{a, b, c};
      out.push_back(Topology{dims, Wraparound(chip, dims)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Topology& l, const Topology& r) {
    if (l.dims[2] != r.dims[2]) return l.dims[2] < r.dims[2];
    return l.dims[0] + l.dims[1] + l.dims[2] < r.dims[0] + r.dims[1] + r.dims[2];
  });
  return out;
}

Result<Topology> ChooseTopology(const ChipSpec& chip, int64_t chips, const std::string& path) {
  std::vector<Topology> all = ValidTopologies(chip, chips);
  if (all.empty()) {
    return MakeError(codes::kInvalidTopology, path,
                     std::to_string(chips) + " chips cannot form a valid " + chip.id +
                         " slice (each axis 1.." + std::to_string(chip.torus_axis_multiple) +
                         " or a multiple of " + std::to_string(chip.torus_axis_multiple) +
                         ", at most " + std::to_string(chip.max_chips) + " chips)");
  }
  return all.front();
}

std::vector<int64_t> ValidChipCounts(const ChipSpec& chip) {
  // Products of three allowed axis lengths: a few hundred combinations, not max_chips checks.
  std::vector<int64_t> axes;
  for (int64_t n = 1; n <= chip.max_axis_chips; ++n) {
    if (AxisAllowed(chip, n)) axes.push_back(n);
  }
  std::vector<int64_t> out;
  for (size_t i = 0; i < axes.size(); ++i) {
    for (size_t j = i; j < axes.size(); ++j) {
      for (size_t k = j; k < axes.size(); ++k) {
        const int64_t n = axes[i] * axes[j] * axes[k];
        if (n <= chip.max_chips) out.push_back(n);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace esti::hardware
