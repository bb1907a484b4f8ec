// Embind surface: one-line forwards to esti/api.h (JSON string in, JSON string out).
#include <emscripten/bind.h>

#include <string>

#include "esti/api.h"

namespace {
std::string EngineVersion() { return esti::api::EngineVersion(); }
std::string ListPresets() { return esti::api::ListPresets(); }
std::string GetPreset(std::string r) { return esti::api::GetPreset(r); }
std::string DescribeModel(std::string r) { return esti::api::DescribeModel(r); }
}  // namespace

EMSCRIPTEN_BINDINGS(esti) {
  emscripten::function("engineVersion", &EngineVersion);
  emscripten::function("listPresets", &ListPresets);
  emscripten::function("getPreset", &GetPreset);
  emscripten::function("describeModel", &DescribeModel);
}
