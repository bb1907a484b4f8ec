#include "esti/io/hf_config_io.h"
#include "esti/io/spec_io.h"
#include "respond.h"

namespace esti::api {

std::string ModelFromHf(std::string_view request) {
  return internal::Respond(request, [](const io::Json& req) {
    io::ObjectReader r(req, "");
    const io::Json& config = r.Required("config");
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
