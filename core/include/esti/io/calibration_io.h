// The measurement files the calibrated mode is fitted to (presets/calibration/*.json):
//   {"schema_version":1, "id", "name", "source", "model", "hardware", "input_tokens",
//    "generate_tokens", "measurements": [{"id", "source", "phase", "chips", "batch", "weights",
//    "ffn_layout", "attention_sharding", "latency_s" (prefill) | "latency_per_token_s" (decode),
//    "note"?}]}
#pragma once

#include <vector>

#include "esti/calibrate/fit.h"
#include "esti/io/json_input.h"

namespace esti::io {

inline constexpr size_t kMaxMeasurements = 256;

// A preset id (kind "calibration") or an inline document. Throws InputError.
std::vector<calibrate::Measurement> ReadMeasurements(const Json& v, const std::string& path);

Json CalibrationToJson(const hardware::Calibration& c);
Json FitResultToJson(const calibrate::FitResult& r);

}  // namespace esti::io
