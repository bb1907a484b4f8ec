// esti link: measures this machine's collective latency and bandwidth (api::MeasureLink) over
// the in-process mesh or, under mpirun, over MPI (one rank per chip).
#include <charconv>
#include <iostream>

#include "cli.h"
#include "esti/api.h"
#include "esti/mesh/transport.h"
#include "mpi_transport.h"

namespace esti::cli {

int RunLink(Args args) {
  std::optional<Format> format = TakeFormat(args, {Format::kJson, Format::kTable});
  if (!format) return kExitBadInput;
  io::Json req = io::Json::object();
  bool mpi = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << "esti link --mesh XxYxZ [--transport local|mpi] [--repeats N] "
                   "[--min-bytes-log2 A] [--max-bytes-log2 B] [--format json|table]\n";
      return kExitOk;
    }
    if (i + 1 >= args.size()) {
      std::cerr << "esti: invalid_value at " << flag << ": expected a value\n";
      return kExitBadInput;
    }
    const std::string v = args[++i];
    if (flag == "--mesh") {
      req["mesh"] = v;
    } else if (flag == "--transport") {
      if (v != "local" && v != "mpi") {
        std::cerr << "esti: invalid_value at --transport: expected local or mpi\n";
        return kExitBadInput;
      }
      mpi = v == "mpi";
    } else if (flag == "--repeats" || flag == "--min-bytes-log2" || flag == "--max-bytes-log2") {
      int64_t n = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || p != v.data() + v.size()) {
        std::cerr << "esti: invalid_value at " << flag << ": expected an integer\n";
        return kExitBadInput;
      }
      std::string key = flag.substr(2);
      for (char& c : key)
        if (c == '-') c = '_';
      req[key] = n;
    } else {
      std::cerr << "esti: invalid_value at " << flag << ": unknown option (see esti link --help)\n";
      return kExitBadInput;
    }
  }
  if (!req.contains("mesh")) {
    std::cerr << "esti: missing_field at --mesh: required option is missing\n";
    return kExitBadInput;
  }
  std::unique_ptr<mesh::Transport> owned;
  if (mpi) {
    Result<std::unique_ptr<mesh::Transport>> t = MakeMpiTransport(req["mesh"].get<std::string>());
    if (!t.ok()) {
      std::cerr << "esti: " << t.error().code << " at " << t.error().path << ": "
                << t.error().message << "\n";
      return kExitBadInput;
    }
    owned = std::move(t).value();
  }
  const std::string response = api::MeasureLink(req.dump(), owned.get());
  if (owned && owned->local_chips()[0] != 0) return kExitOk;  // rank 0 prints
  int code = 0;
  std::optional<io::Json> j = CheckResponse(response, &code);
  if (!j) return code;
  if (*format == Format::kJson) {
    std::cout << response << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const io::Json& s : (*j)["samples"]) {
    rows.push_back({s["kind"].get<std::string>(), s["axes"].get<std::string>(),
                    std::to_string(s["group"].get<int64_t>()), Si(s["bytes"].get<double>(), "B"),
                    Seconds(s["seconds"].get<double>()),
                    s.contains("seconds_model") ? Seconds(s["seconds_model"].get<double>()) : "-"});
  }
  PrintTable({"kind", "axes", "group", "bytes", "measured", "fit"}, rows);
  if ((*j)["fit"].is_null()) {
    std::cout << "\nno fit: " << (*j)["fit_error"].get<std::string>() << "\n";
  } else {
    const io::Json& f = (*j)["fit"];
    std::cout << "\n"
              << (*j)["transport"].get<std::string>() << " on " << (*j)["mesh"].get<std::string>()
              << ": latency " << Seconds(f["latency_s"].get<double>()) << ", bandwidth "
              << Si(f["bandwidth_bytes_per_s"].get<double>(), "B/s") << " per chip, rms error "
              << f["rms_relative_error"].get<double>() * 100 << "%\n";
    for (const auto& [kind, k] : (*j)["fit_by_kind"].items()) {
      std::cout << "  " << kind << ": latency " << Seconds(k["latency_s"].get<double>())
                << ", bandwidth " << Si(k["bandwidth_bytes_per_s"].get<double>(), "B/s")
                << ", rms error " << k["rms_relative_error"].get<double>() * 100 << "%\n";
    }
  }
  return kExitOk;
}

}  // namespace esti::cli
