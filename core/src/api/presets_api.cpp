#include "io/presets.h"
#include "io/spec_io.h"
#include "respond.h"

#ifndef ESTI_VERSION
#define ESTI_VERSION "0.0.0"
#endif

namespace esti::api {

const char* EngineVersion() { return ESTI_VERSION; }

std::string ListPresets() {
  return internal::Respond("{}", [](const io::Json&) {
    io::Json out = {{"hardware", io::Json::array()},
                    {"models", io::Json::array()},
                    {"scenarios", io::Json::array()}};
    for (const io::PresetText& p : io::BuiltinPresets()) {
      Result<io::Json> j = io::ParseJson(p.json);
      std::string name = j.ok() ? j->value("name", std::string(p.id)) : std::string(p.id);
      out[std::string(p.kind)].push_back({{"id", p.id}, {"name", name}});
    }
    return out;
  });
}

std::string GetPreset(std::string_view request) {
  return internal::Respond(request, [](const io::Json& req) {
    io::ObjectReader r(req, "");
    const std::string kind = r.OneOf("kind", {"hardware", "models", "scenarios"});
    std::string id = r.String("id");
    r.Finish();
    const io::PresetText* p = io::FindPreset(kind, id);
    if (p == nullptr)
      io::Fail(codes::kUnknownPreset, "/id", "no " + kind + " preset \"" + id + "\"");
    Result<io::Json> j = io::ParseJson(p->json);
    if (!j.ok()) io::Fail(codes::kInternal, "/id", "preset is corrupt: " + j.error().message);
    return io::Json{{"preset", j.value()}};
  });
}

std::string DescribeModel(std::string_view request) {
  return internal::Respond(request, [](const io::Json& req) {
    io::ObjectReader r(req, "");
    model::ModelConfig m = io::ReadModel(r.Required("model"), "/model");
    r.Finish();
    return io::DescribeModel(m);
  });
}

}  // namespace esti::api
