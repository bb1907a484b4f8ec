#include "io/hf_config_io.h"
#include "io/spec_io.h"
#include "respond.h"

namespace esti::api {

std::string ModelFromHf(std::string_view request) {
  return internal::Respond(request, [](const io::Json& req) {
    io::ObjectReader r(req, "");
    // "config_text": the file's text as a string (what a page pastes), parsed here so a syntax
    // error says where in that text; or "config": the object itself.
    io::Json parsed;
    if (r.Has("config_text")) {
      if (r.Has("config"))
        io::Fail(codes::kInvalidValue, "/config_text", "give config or config_text, not both");
      Result<io::Json> j = io::ParseJson(r.String("config_text", io::ParseLimits{}.max_bytes));
      if (!j.ok()) io::Fail(j.error().code, "/config_text", j.error().message);
      parsed = std::move(j.value());
    }
    const io::Json& config = r.Has("config_text") ? parsed : r.Required("config");
    std::optional<std::string> id = r.OptString("id", 64);
    std::optional<std::string> name = r.OptString("name");
    r.Finish();
    io::HfConversion c = io::ReadHfConfig(config, "/config", id, name);
    // The result must load as a model wherever one is accepted: run it through the strict reader.
    io::Json out = io::HfConversionToJson(c);
    model::ModelConfig m = io::ReadModel(out["model"], "/model");
    out["params"] = io::ParamsToJson(model::CountParams(m));
    return out;
  });
}

}  // namespace esti::api
