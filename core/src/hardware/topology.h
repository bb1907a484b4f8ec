// Slices: X x Y x Z chips. On a torus chip (TPU) each axis is a torus axis, with wraparound when
// the slice rules give it (else a line); on a switched chip (GPU nodes) each axis belongs to one
// switch level (the NVLink domain or the network between domains). docs/interconnects.md.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "esti/common/result.h"
#include "hardware/chip.h"

namespace esti::hardware {

struct Topology {
  std::array<int64_t, 3> dims{1, 1, 1};  // chips along physical axes 0, 1, 2
  std::array<bool, 3> wraparound{false, false, false};
  // Interconnect level of each axis (index into ChipSpec::interconnect); all 0 on a torus.
  std::array<int, 3> level{0, 0, 0};

  int64_t chips() const { return dims[0] * dims[1] * dims[2]; }
  std::string ToString() const;  // "4x4x8"
};

// Checks one shape against the chip's slice rules (torus: every axis <= torus_axis_multiple or a
// multiple of it, axis <= max_axis_chips, chips <= max_chips, a sold shape when the chip lists
// them; switched: one domain's chips, or whole domains) and fills in wraparound and levels.
// Switched chips: leading axes whose product is a whole domain (or the slice, if smaller) are in
// the first level, the rest in the next.
// `path` names the input field in the error.
Result<Topology> MakeTopology(const ChipSpec& chip, std::array<int64_t, 3> dims,
                              const std::string& path);

// Every valid slice for `chips`, dims sorted ascending (a slice's axes are interchangeable until
// a layout assigns roles to them), most cube-like first.
std::vector<Topology> ValidTopologies(const ChipSpec& chip, int64_t chips);

// The slice used when only a chip count is given: the most cube-like valid shape (smallest
// largest axis, then smallest sum of axes), which minimises collective hop counts.
Result<Topology> ChooseTopology(const ChipSpec& chip, int64_t chips, const std::string& path);

// Every chip count with at least one valid slice, ascending, up to the chip's max_chips.
// Switched chips: the divisors of a domain, then whole domains in powers of two (what the search
// offers; MakeTopology and ChooseTopology accept any whole number of domains).
std::vector<int64_t> ValidChipCounts(const ChipSpec& chip);

}  // namespace esti::hardware
