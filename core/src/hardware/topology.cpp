#include "hardware/topology.h"

#include <algorithm>

namespace esti::hardware {

const char* ToString(LinkKind k) { return NameOf(k); }

bool IsSwitched(const ChipSpec& chip) {
  return !chip.interconnect.empty() && chip.interconnect.front().kind == LinkKind::kSwitch;
}

std::string Topology::ToString() const {
  return std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" + std::to_string(dims[2]);
}

namespace {

// ---- Torus chips (TPU) ----

bool AxisAllowed(const ChipSpec& chip, int64_t n) {
  if (n < 1 || n > chip.max_axis_chips) return false;
  return n <= chip.torus_axis_multiple || n % chip.torus_axis_multiple == 0;
}

// Legacy rule: wraparound links exist only when the slice is made of whole cubes: every axis a
// multiple of torus_axis_multiple (GCP TPU v4 topologies; the tpu-v4 preset's "source" cites
// them). A described torus level: every axis longer than 1 a multiple of wraparound_multiple.
std::array<bool, 3> Wraparound(const ChipSpec& chip, const std::array<int64_t, 3>& dims) {
  if (chip.interconnect.empty()) {
    bool all = std::all_of(dims.begin(), dims.end(),
                           [&](int64_t d) { return d % chip.torus_axis_multiple == 0; });
    return {all, all, all};
  }
  const InterconnectLevel& l = chip.interconnect.front();
  bool all = l.kind == LinkKind::kTorus && l.wraparound_multiple > 0 &&
             std::any_of(dims.begin(), dims.end(), [](int64_t d) { return d > 1; }) &&
             std::all_of(dims.begin(), dims.end(),
                         [&](int64_t d) { return d == 1 || d % l.wraparound_multiple == 0; });
  return {all, all, all};
}

// A described torus level of `axes` < 3 leaves the other axes at 1; a chip listing the shapes it
// sells allows only those.
bool ShapeSold(const ChipSpec& chip, std::array<int64_t, 3> dims) {
  if (chip.interconnect.empty()) return true;
  const int64_t used = std::count_if(dims.begin(), dims.end(), [](int64_t d) { return d > 1; });
  if (used > chip.interconnect.front().axes) return false;
  if (chip.slice_shapes.empty()) return true;
  std::sort(dims.begin(), dims.end());
  return std::find(chip.slice_shapes.begin(), chip.slice_shapes.end(), dims) !=
         chip.slice_shapes.end();
}

std::string TorusRule(const ChipSpec& chip) {
  std::string rule = "each axis 1.." + std::to_string(chip.torus_axis_multiple) +
                     " or a multiple of " + std::to_string(chip.torus_axis_multiple) + " up to " +
                     std::to_string(chip.max_axis_chips);
  if (!chip.interconnect.empty()) {
    rule += ", at most " + std::to_string(chip.interconnect.front().axes) + " axes longer than 1";
    if (!chip.slice_shapes.empty()) {
      rule += ", one of the sold shapes";
      for (const auto& s : chip.slice_shapes) rule += " " + Topology{s}.ToString();
    }
  }
  return rule;
}

// ---- Switched chips (GPU nodes): domain size D of level 0, at most M domains in level 1 ----

int64_t DomainSize(const ChipSpec& chip) { return chip.interconnect.front().max_size; }
int64_t MaxDomains(const ChipSpec& chip) {
  return chip.interconnect.size() > 1 ? chip.interconnect[1].max_size : 1;
}

std::string SwitchRule(const ChipSpec& chip) {
  return "a slice is a divisor of one " + chip.interconnect.front().name + " domain's " +
         std::to_string(DomainSize(chip)) + " chips or whole domains (at most " +
         std::to_string(MaxDomains(chip)) + "), at most " + std::to_string(chip.max_chips) +
         " chips";
}

Topology SwitchedTopology(const std::array<int64_t, 3>& dims, const std::array<int, 3>& level) {
  Topology t;
  t.dims = dims;
  for (int i = 0; i < 3; ++i) t.level[i] = dims[i] > 1 ? level[i] : 0;  // a 1-axis has no links
  return t;
}

// Every shape of `chips` on a switched chip, the one with fewest axes first.
std::vector<Topology> SwitchedTopologies(const ChipSpec& chip, int64_t chips) {
  std::vector<Topology> out;
  const int64_t d = DomainSize(chip);
  if (chips < 1 || chips > chip.max_chips) return out;
  if (chips <= d) {
    if (d % chips != 0) return out;
    // Sub-groups of one switch: any factorisation into three axes (all at the full port rate).
    for (int64_t a = 1; a * a * a <= chips; ++a) {
      if (chips % a != 0) continue;
      for (int64_t b = a; a * b * b <= chips; ++b) {
        if ((chips / a) % b != 0) continue;
        out.push_back(SwitchedTopology({a, b, chips / a / b}, {0, 0, 0}));
      }
    }
    return out;  // 1 x 1 x n first
  }
  if (chips % d != 0 || chips / d > MaxDomains(chip)) return out;
  const int64_t m = chips / d;
  // The domain split in two axes, the domains on the third ...
  for (int64_t a = 1; a * a <= d; ++a) {
    if (d % a == 0) out.push_back(SwitchedTopology({a, d / a, m}, {0, 0, 1}));
  }
  // ... or the whole domain on one axis and the domains split in two.
  for (int64_t c = 2; c * c <= m; ++c) {
    if (m % c == 0) out.push_back(SwitchedTopology({d, c, m / c}, {0, 1, 1}));
  }
  return out;
}

Result<Topology> MakeSwitchedTopology(const ChipSpec& chip, const std::array<int64_t, 3>& dims,
                                      const std::string& path) {
  const int64_t d = DomainSize(chip);
  const int64_t chips = dims[0] * dims[1] * dims[2];
  std::array<int, 3> level{0, 0, 0};
  int64_t inner = 1;
  for (int i = 0; i < 3; ++i) {
    if (inner * dims[i] <= d && inner < std::min(d, chips)) {
      inner *= dims[i];
    } else {
      level[i] = 1;
    }
  }
  const bool whole = chips <= d ? d % chips == 0 : inner == d && chips / d <= MaxDomains(chip);
  if (!whole || chips > chip.max_chips) {
    return MakeError(codes::kInvalidTopology, path,
                     Topology{dims}.ToString() + " is not a valid " + chip.id +
                         " slice: " + SwitchRule(chip) + "; give the domain's axes first");
  }
  return SwitchedTopology(dims, level);
}

}  // namespace

Result<Topology> MakeTopology(const ChipSpec& chip, std::array<int64_t, 3> dims,
                              const std::string& path) {
  if (IsSwitched(chip)) return MakeSwitchedTopology(chip, dims, path);
  for (int i = 0; i < 3; ++i) {
    if (!AxisAllowed(chip, dims[i])) {
      return MakeError(codes::kInvalidTopology, path + "/" + std::to_string(i),
                       "axis of " + std::to_string(dims[i]) + " chips is not allowed on " +
                           chip.id + ": " + TorusRule(chip));
    }
  }
  Topology t{dims, Wraparound(chip, dims)};
  if (t.chips() > chip.max_chips) {
    return MakeError(codes::kInvalidTopology, path,
                     t.ToString() + " has " + std::to_string(t.chips()) + " chips; " + chip.id +
                         " slices have at most " + std::to_string(chip.max_chips));
  }
  if (!ShapeSold(chip, dims)) {
    return MakeError(codes::kInvalidTopology, path,
                     t.ToString() + " is not a " + chip.id + " slice: " + TorusRule(chip));
  }
  return t;
}

std::vector<Topology> ValidTopologies(const ChipSpec& chip, int64_t chips) {
  if (IsSwitched(chip)) return SwitchedTopologies(chip, chips);
  std::vector<Topology> out;
  if (chips < 1 || chips > chip.max_chips) return out;
  for (int64_t a = 1; a * a * a <= chips; ++a) {
    if (chips % a != 0 || !AxisAllowed(chip, a)) continue;
    for (int64_t b = a; a * b * b <= chips; ++b) {
      if ((chips / a) % b != 0 || !AxisAllowed(chip, b)) continue;
      int64_t c = chips / a / b;
      if (!AxisAllowed(chip, c)) continue;
      std::array<int64_t, 3> dims{a, b, c};
      if (!ShapeSold(chip, dims)) continue;
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
    return MakeError(
        codes::kInvalidTopology, path,
        std::to_string(chips) + " chips cannot form a valid " + chip.id + " slice (" +
            (IsSwitched(chip) ? SwitchRule(chip) : TorusRule(chip)) +
            (IsSwitched(chip) ? "" : ", at most " + std::to_string(chip.max_chips) + " chips") +
            ")");
  }
  return all.front();
}

std::vector<int64_t> ValidChipCounts(const ChipSpec& chip) {
  std::vector<int64_t> out;
  if (IsSwitched(chip)) {
    const int64_t d = DomainSize(chip);
    for (int64_t n = 1; n <= d; ++n) {
      if (d % n == 0 && n <= chip.max_chips) out.push_back(n);
    }
    for (int64_t m = 2; m <= MaxDomains(chip) && d * m <= chip.max_chips; m *= 2) {
      out.push_back(d * m);
    }
    return out;
  }
  // Products of three allowed axis lengths: a few hundred combinations, not max_chips checks.
  std::vector<int64_t> axes;
  for (int64_t n = 1; n <= chip.max_axis_chips; ++n) {
    if (AxisAllowed(chip, n)) axes.push_back(n);
  }
  for (size_t i = 0; i < axes.size(); ++i) {
    for (size_t j = i; j < axes.size(); ++j) {
      for (size_t k = j; k < axes.size(); ++k) {
        const int64_t n = axes[i] * axes[j] * axes[k];
        // A described level may also limit the axes used or list the sold shapes.
        if (n <= chip.max_chips && (chip.interconnect.empty() || !ValidTopologies(chip, n).empty()))
          out.push_back(n);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace esti::hardware
