// JSON <-> a chip's interconnect levels and sold slice shapes (docs/interconnects.md).
//   "interconnect": [{"name", "kind": "torus"|"line"|"switch", "bandwidth_bytes_per_s",
//                     "latency_s", torus/line: "axes", "max_axis_chips", "axis_multiple"?,
//                     "wraparound_multiple"?; switch: "max_size"}, ...]
//   "slice_shapes": [[X, Y, Z], ...]
// Both optional: a hardware file without them is the legacy 3D torus of its ici_* fields, read
// exactly as before.
#pragma once

#include "esti/io/json_input.h"
#include "hardware/chip.h"
#include "io/object_reader.h"

namespace esti::io {

// Levels a chip may have: one torus (or line) level, or a switch domain and the switched network
// between domains (e.g. NVLink, then InfiniBand).
inline constexpr int64_t kMaxInterconnectLevels = 2;
// Sold shapes a hardware file may list.
inline constexpr int64_t kMaxSliceShapes = 64;

// Reads the keys above (and, when "interconnect" is given, refuses the legacy ici_* keys, which
// describe the same thing) and fills the chip's legacy fields the rest of the core reads
// (max_axis_chips, torus_axis_multiple, ici_*) from the levels. Throws InputError naming the field.
void ReadInterconnect(ObjectReader& r, hardware::ChipSpec& c);

// True when the hardware object describes its interconnect with levels.
bool HasInterconnect(const ObjectReader& r);

// Adds "interconnect" and "slice_shapes" to `j` when the chip has them.
void InterconnectToJson(const hardware::ChipSpec& c, Json& j);

}  // namespace esti::io
