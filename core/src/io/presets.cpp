#include "io/presets.h"

namespace esti::io {

// Defined in the generated presets_data.cpp (cmake/embed_presets.cmake).
extern const std::vector<PresetText>& GeneratedPresets();

const std::vector<PresetText>& BuiltinPresets() { return GeneratedPresets(); }

const PresetText* FindPreset(std::string_view kind, std::string_view id) {
  for (const PresetText& p : BuiltinPresets()) {
    if (p.kind == kind && p.id == id) return &p;
  }
  return nullptr;
}

std::vector<std::string> PresetIds(std::string_view kind) {
  std::vector<std::string> out;
  for (const PresetText& p : BuiltinPresets()) {
    if (p.kind == kind) out.emplace_back(p.id);
  }
  return out;
}

}  // namespace esti::io
