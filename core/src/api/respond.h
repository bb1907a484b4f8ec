// Shared plumbing of the api functions: parse the request with limits, run, serialise, and turn
// every failure (including unexpected exceptions and bad_alloc) into an error document.
#pragma once

#include <functional>
#include <new>
#include <string>
#include <string_view>

#include "esti/api.h"
#include "esti/common/result.h"
#include "esti/io/json_input.h"
#include "io/object_reader.h"
#include "oom_reserve.h"

namespace esti::api::internal {

inline std::string ErrorResponse(const Error& e) {
  io::Json j = {{"ok", false},
                {"schema_version", kResultSchemaVersion},
                {"error", {{"code", e.code}, {"path", e.path}, {"message", e.message}}}};
  return j.dump(-1, ' ', false, io::Json::error_handler_t::replace);
}

// Runs `produce` and adds "ok", "schema_version" and "engine_version" to the object it returns;
// io::InputError, out of memory and any other exception become an error document.
inline std::string Guarded(const std::function<io::Json()>& produce) {
  try {
    ArmOomReserve();  // out of memory below unwinds with the reserve freed (oom_reserve.h)
    io::Json out = produce();
    out["ok"] = true;
    out["schema_version"] = kResultSchemaVersion;
    out["engine_version"] = EngineVersion();
    return out.dump(-1, ' ', false, io::Json::error_handler_t::replace);
  } catch (const io::InputError& e) {
    return ErrorResponse(e.error);
  } catch (const std::bad_alloc&) {
    return ErrorResponse(MakeError(codes::kTooLarge, "", "out of memory while answering"));
  } catch (const std::exception& e) {
    return ErrorResponse(MakeError(codes::kInternal, "", e.what()));
  } catch (...) {
    return ErrorResponse(MakeError(codes::kInternal, "", "unknown failure"));
  }
}

// Runs `handler` on the parsed request. The handler throws io::InputError for bad input or returns
// the result object, to which "ok", "schema_version" and "engine_version" are added.
inline std::string Respond(std::string_view request,
                           const std::function<io::Json(const io::Json&)>& handler) {
  return Guarded([&]() -> io::Json {
    Result<io::Json> parsed = io::ParseJson(request);
    if (!parsed.ok()) throw io::InputError{parsed.error()};
    return handler(parsed.value());
  });
}

}  // namespace esti::api::internal
