// api::MeasureLink: this machine's collective latency and bandwidth through a transport.
#include <optional>

#include "esti/mesh/transport.h"
#include "mesh/link_fit.h"
#include "respond.h"

namespace esti::api {

namespace {

io::Json Run(const io::Json& req, mesh::Transport* transport) {
  io::ObjectReader r(req, "");
  Result<mesh::MeshShape> shape = mesh::ParseMesh(r.String("mesh", 32), "/mesh");
  if (!shape.ok()) throw io::InputError{shape.error()};
  const int lo = static_cast<int>(r.OptInt("min_bytes_log2", 4, 24).value_or(10));
  const int hi = static_cast<int>(r.OptInt("max_bytes_log2", 4, 24).value_or(20));
  const int repeats = static_cast<int>(r.OptInt("repeats", 1, 1000).value_or(10));
  r.Finish();
  if (hi < lo) io::Fail(codes::kOutOfRange, "/max_bytes_log2", "must be >= min_bytes_log2");
  std::optional<mesh::LocalMesh> local;
  if (transport == nullptr) {
    local.emplace(shape.value());
    transport = &*local;
  } else if (transport->shape().dims != shape->dims) {
    io::Fail(codes::kInvalidValue, "/mesh",
             "mesh " + shape->ToString() + " does not match the transport's " +
                 transport->shape().ToString());
  }
  mesh::Collectives col(transport);
  Result<std::vector<mesh::LinkSample>> samples = mesh::MeasureLink(
      &col, mesh::LinkSweep{.min_bytes_log2 = lo, .max_bytes_log2 = hi, .repeats = repeats});
  if (!samples.ok()) throw io::InputError{samples.error()};
  io::Json j;
  j["mesh"] = shape->ToString();
  j["transport"] = transport->name();
  io::Json rows = io::Json::array();
  for (const mesh::LinkSample& s : samples.value()) {
    rows.push_back({{"kind", s.kind},
                    {"axes", mesh::AxesToString(s.axes)},
                    {"group", s.group},
                    {"bytes", s.bytes},
                    {"bytes_sent", s.bytes_sent},
                    {"seconds", s.seconds}});
  }
  j["samples"] = rows;
  Result<mesh::LinkFit> fit = mesh::FitLink(samples.value());
  if (fit.ok()) {
    j["fit"] = {{"latency_s", fit->latency_s},
                {"bandwidth_bytes_per_s", fit->bandwidth_bytes_per_s},
                {"rms_relative_error", fit->rms_relative_error},
                {"samples", fit->samples}};
    for (io::Json& row : j["samples"]) {
      row["seconds_model"] = mesh::PredictSeconds(*fit, 1, row["bytes_sent"].get<double>());
    }
    // Per kind: the one fit above is what the cost model's single link assumes; these show how
    // far each kind departs from it.
    io::Json by_kind = io::Json::object();
    for (const char* kind : {"all_gather", "reduce_scatter", "all_reduce", "all_to_all"}) {
      std::vector<mesh::LinkSample> sub;
      for (const mesh::LinkSample& x : samples.value())
        if (x.kind == kind) sub.push_back(x);
      Result<mesh::LinkFit> k = mesh::FitLink(sub);
      if (!k.ok()) continue;
      by_kind[kind] = {{"latency_s", k->latency_s},
                       {"bandwidth_bytes_per_s", k->bandwidth_bytes_per_s},
                       {"rms_relative_error", k->rms_relative_error},
                       {"samples", k->samples}};
    }
    j["fit_by_kind"] = by_kind;
  } else {
    j["fit"] = nullptr;
    j["fit_error"] = fit.error().message;
  }
  return j;
}

}  // namespace

std::string MeasureLink(std::string_view request, mesh::Transport* transport) {
  return internal::Respond(request, [&](const io::Json& req) { return Run(req, transport); });
}

}  // namespace esti::api
