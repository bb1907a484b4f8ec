// Hugging Face config.json -> esti's model. Dense decoder-only architectures whose shapes esti's
// ModelConfig holds: Llama, Mistral, Qwen2 and Gemma 2 ("model_type" llama | mistral | qwen2 |
// gemma2, or the matching "architectures" class). Every other field of the file is accounted for:
// mapped, listed as unmapped with its effect on esti's numbers, or listed as ignored metadata.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "esti/io/json_input.h"
#include "model/model.h"

namespace esti::io {

// Error code for valid input esti deliberately does not model (mixture-of-experts, other
// architectures). Lives here rather than in common/result.h only to keep this change local; same
// {"code","path","message"} shape as every other error.
inline constexpr const char* kUnsupportedCode = "unsupported";

struct HfUnmapped {
  std::string field;
  Json value;
  // "none": no effect on any cost (positions, score scale); "negligible": elementwise work or
  // biases below 0.01% of weights or FLOPs; "approximated": esti's cost differs materially in some
  // regime (e.g. a sliding window at long context); "unknown": a field esti does not know.
  std::string effect;
  std::string reason;
};

struct HfConversion {
  model::ModelConfig model;
  std::string architecture;  // model_type
  std::string source;        // what the model JSON cites
  std::vector<HfUnmapped> unmapped;
  std::vector<std::string> ignored;
  std::vector<std::string> notes;
};

// Throws InputError (inside io only): type_error / missing_field / out_of_range / invalid_value
// naming the config field under `path`, `unsupported` for MoE and other architectures.
HfConversion ReadHfConfig(const Json& config, const std::string& path,
                          const std::optional<std::string>& id,
                          const std::optional<std::string>& name);

// {"model", "architecture", "unmapped", "ignored", "notes"}.
Json HfConversionToJson(const HfConversion& c);

}  // namespace esti::io
