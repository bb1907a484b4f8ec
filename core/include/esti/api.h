// The facade every front end uses (CLI, wasm bindings, tests): JSON text in, JSON text out.
// Every response is an object with "ok": true and the result fields, or
//   {"ok": false, "error": {"code": ..., "path": <JSON pointer>, "message": ...}}.
// No function here throws or aborts, whatever the input.
#pragma once

#include <string>
#include <string_view>

namespace esti::api {

// Version of the result documents' shape; bumped when a field changes meaning or disappears.
inline constexpr int kResultSchemaVersion = 1;
const char* EngineVersion();

// {"hardware": [{id, name}], "models": [{id, name}], "scenarios": [{id, name}]}
std::string ListPresets();

// Request {"kind": "hardware"|"models"|"scenarios", "id": "..."} -> {"preset": <the JSON>}.
std::string GetPreset(std::string_view request);

// Request {"model": <preset id or object>} -> parameter breakdown, KV bytes per token and weight
// bytes per format (see io::DescribeModel).
std::string DescribeModel(std::string_view request);

}  // namespace esti::api
