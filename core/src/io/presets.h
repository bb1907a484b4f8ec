// The presets in presets/, embedded at build time (the core does no file I/O): CMake turns every
// presets/<kind>/<id>.json into a string in a generated source file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace esti::io {

struct PresetText {
  std::string_view kind;  // "hardware", "models", "scenarios"
  std::string_view id;    // file name without .json
  std::string_view json;
};

const std::vector<PresetText>& BuiltinPresets();
const PresetText* FindPreset(std::string_view kind, std::string_view id);
std::vector<std::string> PresetIds(std::string_view kind);

}  // namespace esti::io
