// JSON <-> hardware and model specs. A spec field in any document is either a preset id (string)
// or an inline object with the same keys as the preset files.
#pragma once

#include <string>

#include "esti/common/result.h"
#include "esti/io/json_input.h"
#include "hardware/chip.h"
#include "model/model.h"

namespace esti::io {

inline constexpr int64_t kSpecSchemaVersion = 1;

// Limits on model dimensions: generous for any real model, small enough that products of two of
// them stay far inside int64 and double's exact range.
inline constexpr int64_t kMaxLayers = 4096;
inline constexpr int64_t kMaxDim = 1 << 20;  // d_model, d_ff
inline constexpr int64_t kMaxHeads = 65536;
inline constexpr int64_t kMaxDHead = 16384;
inline constexpr int64_t kMaxVocab = 1 << 24;

// Throwing forms (InputError), for use while reading a larger io document.
model::ModelConfig ReadModel(const Json& v, const std::string& path);
hardware::ChipSpec ReadHardware(const Json& v, const std::string& path);

// Error-value forms for callers outside io.
Result<model::ModelConfig> ParseModel(const Json& v, const std::string& path);
Result<hardware::ChipSpec> ParseHardware(const Json& v, const std::string& path);

Json ModelToJson(const model::ModelConfig& m);
Json HardwareToJson(const hardware::ChipSpec& c);

// A hardware preset's "calibration" block (core/src/io/calibration_block_io.cpp): the fitted
// parameters, optional with their defaults (blocks written before a parameter existed stay valid),
// and "validity": what the fit's data covered and its cross-validated residuals, compact:
//   {"hardware", "chips": [min, max], "batch": [min, max], "total_params": [min, max],
//    "n_kv_heads", "block_type", "ffn_type", "residuals": [["decode"|"prefill", chips, batch,
//    ln(predicted / measured)], ...]}
hardware::Calibration ReadCalibration(const Json& v, const std::string& path);
Json CalibrationToJson(const hardware::Calibration& c);
Json ParamsToJson(const model::ParamBreakdown& p);

// {model, params, kv_bytes_per_token, weight_bytes: {bf16, int8}}: what `esti model` prints.
Json DescribeModel(const model::ModelConfig& m);

}  // namespace esti::io
