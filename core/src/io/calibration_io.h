// Measurement files (presets/calibration/*.json, or a user's own), README "Bring your own
// measurements":
//   {"schema_version": 1, "id"?, "name"?, "source"?, "hardware": id | {inline chip},
//    "points": [{"id", "group"?, "source"?, "note"?, "scenario": {scenario without "hardware"},
//                "chips_per_batch"?: C/B (then "chips" lists candidate chip counts, no "batch"),
//                "measured_latency_s" (the whole phase) | "measured_latency_per_token_s"
//                (decode)}]}
#pragma once

#include <vector>

#include "calibrate/fit.h"
#include "esti/io/json_input.h"

namespace esti::io {

inline constexpr size_t kMaxMeasurements = 512;  // points over all files of one request

// A preset id (kind "calibration"), an inline document, or a list of up to 16 of them (one
// hardware for all). Throws InputError naming the file, point and field.
std::vector<calibrate::Measurement> ReadMeasurements(const Json& v, const std::string& path);

Json FitResultToJson(const calibrate::FitResult& r);
Json CrossValidationToJson(const calibrate::CrossValidation& cv);

}  // namespace esti::io
