// Frontier over several chips (issue 13 item 6): a frontier request whose "hardware" is a list
// answers one frontier per chip, each with the chip's id and, where the chip has a list price,
// every point's cost in $ per million tokens as well as chip-seconds.
#pragma once

#include <cstdint>

#include "esti/io/json_input.h"

namespace esti::api::internal {

// Chips one comparison may name: each is a full frontier (about 10 ms native for PaLM 540B,
// README "Benchmarks"), so a comparison stays well under a second.
inline constexpr int64_t kMaxCompareHardware = 8;

// One chip's frontier (api::Frontier's answer without the envelope; core/src/api/search_api.cpp).
// Throws io::InputError on bad input.
io::Json FrontierJson(const io::Json& request);

// True when the request's "hardware" is a JSON array.
bool IsHardwareList(const io::Json& request);

// {"per_hardware": [{"hardware_id", "hardware_name", "cost_per_chip_hour_usd"?, "price_source"?,
// "price_date"?, <api::Frontier's
// answer for the request with that one chip>}, ...]}. Errors inside one chip's frontier name the
// chip's index: "/hardware/2/..." instead of "/hardware/...".
io::Json FrontierPerHardware(const io::Json& request);

}  // namespace esti::api::internal
