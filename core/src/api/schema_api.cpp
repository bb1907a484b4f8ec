// api::Schema: the input documents' fields as the readers check them (io/fields.h), the presets,
// and the limits a request meets, so front ends build forms and checks from the core's own tables.
#include "esti/io/json_input.h"
#include "esti/io/share_link.h"
#include "io/fields.h"
#include "io/presets.h"
#include "io/scenario_io.h"
#include "respond.h"

namespace esti::api {

std::string Schema() {
  return internal::Respond("{}", [](const io::Json&) {
    io::Json documents = io::Json::object();
    for (const io::fields::Document& d : io::fields::Documents()) {
      io::Json fields = io::Json::array();
      for (const io::fields::Field* f : d.fields) fields.push_back(io::fields::FieldJson(*f));
      documents[std::string(d.name)] = {{"label", std::string(d.label)},
                                        {"fields", std::move(fields)}};
    }
    io::Json presets = {{"hardware", io::Json::array()},
                        {"models", io::Json::array()},
                        {"scenarios", io::Json::array()}};
    for (const char* kind : {"hardware", "models", "scenarios"}) {
      for (const std::string& id : io::PresetIds(kind)) presets[kind].push_back(id);
    }
    return io::Json{{"scenario_schema_version", io::kScenarioSchemaVersion},
                    {"documents", std::move(documents)},
                    {"presets", std::move(presets)},
                    {"limits",
                     {{"list_length", io::kMaxListLength},
                      {"search_combinations", io::kMaxSearchCombinations},
                      {"plans_scored", io::kMaxPlansScored},
                      {"auto_batch_max", io::kAutoBatchMax},
                      // The argument sizes the api accepts, published so that the page's worker
                      // refuses a larger one before Embind copies it into the wasm heap
                      // (web/src/worker.ts, SECURITY.md).
                      {"json_bytes", io::ParseLimits{}.max_bytes},
                      {"share_link_chars", io::kMaxShareLinkChars}}}};
  });
}

}  // namespace esti::api
