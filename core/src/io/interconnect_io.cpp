#include "io/interconnect_io.h"

#include <algorithm>
#include <string>

namespace esti::io {

namespace {

// Keys of the legacy torus description that a level list replaces.
constexpr const char* kLegacyKeys[] = {"ici_link_bandwidth_bytes_per_s", "ici_links_per_chip",
                                       "ici_hop_latency_s", "max_axis_chips",
                                       "torus_axis_multiple"};

hardware::InterconnectLevel ReadLevel(const Json& v, const std::string& path, int index) {
  ObjectReader r(v, path);
  hardware::InterconnectLevel l;
  l.name = r.OptString("name").value_or("level " + std::to_string(index));
  l.kind = r.Enum<hardware::LinkKind>("kind");
  l.bandwidth_bytes_per_s = r.Number("bandwidth_bytes_per_s", 1e3, 1e15);
  l.latency_s = r.Number("latency_s", 0, 1);
  if (l.kind == hardware::LinkKind::kSwitch) {
    l.axes = 1;
    l.max_size = r.Int("max_size", 2, 65536);
  } else {
    l.axes = r.Int("axes", 1, 3);
    l.max_size = r.Int("max_axis_chips", 1, 64);
    l.axis_multiple = r.OptInt("axis_multiple", 1, 64).value_or(1);
    if (l.kind == hardware::LinkKind::kTorus) {
      l.wraparound_multiple = r.OptInt("wraparound_multiple", 0, 64).value_or(1);
    } else if (r.Has("wraparound_multiple")) {
      Fail(codes::kInvalidValue, r.PathOf("wraparound_multiple"),
           "a line has no wraparound; use kind \"torus\"");
    }
  }
  r.Finish();
  return l;
}

std::array<int64_t, 3> ReadShape(const Json& v, const std::string& path, int64_t max_axis) {
  if (!v.is_array() || v.size() != 3)
    Fail(codes::kTypeError, path, "expected [X, Y, Z]: three chip counts");
  std::array<int64_t, 3> dims{};
  for (int i = 0; i < 3; ++i) dims[i] = ToInt(v[i], path + "/" + std::to_string(i), 1, max_axis);
  std::sort(dims.begin(), dims.end());
  return dims;
}

}  // namespace

bool HasInterconnect(const ObjectReader& r) { return r.Has("interconnect"); }

void ReadInterconnect(ObjectReader& r, hardware::ChipSpec& c) {
  const Json* levels = r.Find("interconnect");
  const std::string path = r.PathOf("interconnect");
  if (!levels->is_array() || levels->empty())
    Fail(codes::kTypeError, path, "expected an array of interconnect levels");
  if (static_cast<int64_t>(levels->size()) > kMaxInterconnectLevels) {
    Fail(codes::kTooLarge, path,
         std::to_string(levels->size()) + " levels; at most " +
             std::to_string(kMaxInterconnectLevels) +
             " (a torus, or a switch domain and the network between domains)");
  }
  for (const char* key : kLegacyKeys) {
    if (r.Has(key))
      Fail(codes::kInvalidValue, r.PathOf(key),
           "the interconnect is described in /interconnect; remove this legacy torus key");
  }
  for (size_t i = 0; i < levels->size(); ++i) {
    c.interconnect.push_back(
        ReadLevel((*levels)[i], path + "/" + std::to_string(i), static_cast<int>(i)));
  }
  const hardware::InterconnectLevel& first = c.interconnect.front();
  const bool switched = first.kind == hardware::LinkKind::kSwitch;
  if (c.interconnect.size() > 1) {
    if (!switched || c.interconnect[1].kind != hardware::LinkKind::kSwitch) {
      Fail(codes::kInvalidValue, path + "/1/kind",
           "a second level joins switch domains and must be a switch after a switch level "
           "(a torus is one level)");
    }
    if (c.interconnect[1].bandwidth_bytes_per_s > first.bandwidth_bytes_per_s) {
      Fail(codes::kInvalidValue, path + "/1/bandwidth_bytes_per_s",
           "the network between domains cannot be faster than the domain itself");
    }
  }
  // The fields the slice rules and the breakdown read (topology.h, cost/collectives.h).
  c.ici_hop_latency_s = first.latency_s;
  if (switched) {
    c.ici_link_bandwidth_bytes_per_s = first.bandwidth_bytes_per_s;
    c.ici_links_per_chip = 1;
    c.torus_axis_multiple = 1;
    c.max_axis_chips = first.max_size;
    for (const auto& l : c.interconnect) c.max_axis_chips = std::max(c.max_axis_chips, l.max_size);
    c.collective_bandwidth = hardware::CollectiveBandwidth::kPerAxis;
  } else {
    c.ici_link_bandwidth_bytes_per_s = first.bandwidth_bytes_per_s / 2;  // one direction
    c.ici_links_per_chip = 2 * first.axes;
    c.torus_axis_multiple = first.axis_multiple;
    c.max_axis_chips = first.max_size;
  }
  if (const Json* shapes = r.Find("slice_shapes")) {
    const std::string spath = r.PathOf("slice_shapes");
    if (switched)
      Fail(codes::kInvalidValue, spath, "a switched chip's slices are domains, not listed shapes");
    if (!shapes->is_array() || shapes->empty())
      Fail(codes::kTypeError, spath, "expected an array of [X, Y, Z] shapes");
    if (static_cast<int64_t>(shapes->size()) > kMaxSliceShapes)
      Fail(codes::kTooLarge, spath, "at most " + std::to_string(kMaxSliceShapes) + " shapes");
    for (size_t i = 0; i < shapes->size(); ++i) {
      c.slice_shapes.push_back(
          ReadShape((*shapes)[i], spath + "/" + std::to_string(i), c.max_axis_chips));
    }
  }
}

void InterconnectToJson(const hardware::ChipSpec& c, Json& j) {
  if (c.interconnect.empty()) return;
  for (const char* key : kLegacyKeys) j.erase(key);
  Json levels = Json::array();
  for (const auto& l : c.interconnect) {
    Json o = {{"name", l.name},
              {"kind", hardware::ToString(l.kind)},
              {"bandwidth_bytes_per_s", l.bandwidth_bytes_per_s},
              {"latency_s", l.latency_s}};
    if (l.kind == hardware::LinkKind::kSwitch) {
      o["max_size"] = l.max_size;
    } else {
      o["axes"] = l.axes;
      o["max_axis_chips"] = l.max_size;
      o["axis_multiple"] = l.axis_multiple;
      if (l.kind == hardware::LinkKind::kTorus) o["wraparound_multiple"] = l.wraparound_multiple;
    }
    levels.push_back(o);
  }
  j["interconnect"] = levels;
  if (!c.slice_shapes.empty()) j["slice_shapes"] = c.slice_shapes;
}

}  // namespace esti::io
