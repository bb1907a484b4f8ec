#include "compare_api.h"

#include <string>

#include "esti/api.h"
#include "io/object_reader.h"
#include "io/spec_io.h"

namespace esti::api::internal {

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
    // The single-chip frontier, as api::Frontier answers it (same numbers, same limits), built
    // as JSON directly: a text round trip per chip cost more than the four searches' JSON
    // (bench/compare_bench.cpp).
    io::Json answer;
    try {
      answer = FrontierJson(single);
    } catch (const io::InputError& e) {
      Error err = e.error;
      // It names "/hardware..."; say which chip of the list it was.
      if (err.path.rfind("/hardware", 0) == 0) err.path = path + err.path.substr(9);
      throw io::InputError{err};
    }
    io::Json entry = {{"hardware_id", chip.id}, {"hardware_name", chip.name}};
    // Each point already has its usd_per_million_tokens (io::AddDollars) when the chip is priced.
    if (chip.cost_per_chip_hour_usd > 0) {
      entry["cost_per_chip_hour_usd"] = chip.cost_per_chip_hour_usd;
      if (!chip.price_source.empty()) entry["price_source"] = chip.price_source;
      if (!chip.price_date.empty()) entry["price_date"] = chip.price_date;
    }
    entry.update(answer);
    per.push_back(std::move(entry));
  }
  return io::Json{{"per_hardware", std::move(per)}};
}

}  // namespace esti::api::internal
