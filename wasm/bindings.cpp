// Embind surface: one-line forwards to esti/api.h (JSON string in, JSON string out).
#include <emscripten/bind.h>

#include <string>

#include "esti/api.h"

namespace {
std::string EngineVersion() { return esti::api::EngineVersion(); }
std::string ListPresets() { return esti::api::ListPresets(); }
std::string Schema() { return esti::api::Schema(); }
std::string GetPreset(std::string r) { return esti::api::GetPreset(r); }
std::string DescribeModel(std::string r) { return esti::api::DescribeModel(r); }
std::string ModelFromHf(std::string r) { return esti::api::ModelFromHf(r); }
std::string Evaluate(std::string r) { return esti::api::Evaluate(r); }
std::string Search(std::string r) { return esti::api::Search(r); }
std::string Frontier(std::string r) { return esti::api::Frontier(r); }
std::string MaxContext(std::string r) { return esti::api::MaxContext(r); }
std::string Calibrate(std::string r) { return esti::api::Calibrate(r); }
std::string Reproduce(std::string r) { return esti::api::Reproduce(r); }
std::string Decode(std::string r) { return esti::api::Decode(r); }
std::string DecodeLink(std::string r) { return esti::api::DecodeLink(r); }
}  // namespace

EMSCRIPTEN_BINDINGS(esti) {
  emscripten::function("engineVersion", &EngineVersion);
  emscripten::function("listPresets", &ListPresets);
  emscripten::function("schema", &Schema);
  emscripten::function("getPreset", &GetPreset);
  emscripten::function("describeModel", &DescribeModel);
  emscripten::function("modelFromHf", &ModelFromHf);
  emscripten::function("evaluate", &Evaluate);
  emscripten::function("search", &Search);
  emscripten::function("frontier", &Frontier);
  emscripten::function("maxContext", &MaxContext);
  emscripten::function("calibrate", &Calibrate);
  emscripten::function("reproduce", &Reproduce);
  emscripten::function("decode", &Decode);
  emscripten::function("decodeLink", &DecodeLink);
}
