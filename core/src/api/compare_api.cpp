#include "compare_api.h"

#include <string>

#include "esti/api.h"
#include "esti/io/object_reader.h"
#include "esti/io/spec_io.h"

namespace esti::api::internal {

namespace {

// A point's cost in $ per million generated (decode) or processed (prefill) tokens, from its
// chip-seconds per token and the chip's list price per hour.
void AddDollars(io::Json& points, double usd_per_chip_hour) {
  if (!points.is_array()) return;
  for (io::Json& p : points) {
    if (!p.is_object() || !p.contains("cost_chip_s_per_token")) continue;
    const double chip_s = p["cost_chip_s_per_token"].get<double>();
    p["usd_per_million_tokens"] = chip_s * 1e6 * usd_per_chip_hour / 3600.0;
  }
}

}  // namespace

bool IsHardwareList(const io::Json& request) {
  return request.is_object() && request.contains("hardware") && request["hardware"].is_array();
}

io::Json FrontierPerHardware(const io::Json& request) {
  const io::Json& list = request["hardware"];
  if (list.empty() || static_cast<int64_t>(list.size()) > kMaxCompareHardware) {
    io::Fail(list.empty() ? codes::kInvalidValue : codes::kTooLarge, "/hardware",
             std::to_string(list.size()) + " chips; a comparison takes 1.." +
                 std::to_string(kMaxCompareHardware));
  }
  io::Json per = io::Json::array();
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = "/hardware/" + std::to_string(i);
    io::Json single = request;
    single["hardware"] = list[i];
    const hardware::ChipSpec chip = io::ReadHardware(list[i], path);
    // The single-chip frontier, as api::Frontier answers it (same numbers, same limits).
    io::Json answer = io::Json::parse(api::Frontier(single.dump()));
    if (!answer.value("ok", false)) {
      const io::Json& e = answer["error"];
      std::string at = e.value("path", "");
      // It names "/hardware..."; say which chip of the list it was.
      if (at.rfind("/hardware", 0) == 0) at = path + at.substr(9);
      io::Fail(e.value("code", codes::kInternal), at, e.value("message", ""));
    }
    for (const char* key : {"ok", "schema_version", "engine_version"}) answer.erase(key);
    io::Json entry = {{"hardware_id", chip.id}, {"hardware_name", chip.name}};
    if (chip.cost_per_chip_hour_usd > 0) {
      entry["cost_per_chip_hour_usd"] = chip.cost_per_chip_hour_usd;
      for (auto it = answer.begin(); it != answer.end(); ++it) {
        if (it.key() != "stats") AddDollars(it.value(), chip.cost_per_chip_hour_usd);
      }
    }
    entry.update(answer);
    per.push_back(std::move(entry));
  }
  return io::Json{{"per_hardware", std::move(per)}};
}

}  // namespace esti::api::internal
