#include <iostream>

#include "cli.h"
#include "esti/api.h"

namespace esti::cli {

namespace {

// A function, not a static vector: a static's constructor could throw before main (cert-err58-cpp).
std::vector<std::string> PointHeader() {
  return {"phase",
          "chips",
          "topology",
          "batch",
          "weights",
          "ffn_layout",
          "attention",
          "latency_s",
          "latency_per_token_s",
          "cost_chip_s_per_token",
          "mfu",
          "memory_per_chip_bytes",
          "fits",
          "latency_band_low_s",
          "latency_band_high_s"};
}

std::vector<std::string> PointRow(const io::Json& p, bool human) {
  const auto& t = p["topology"];
  std::string topo = std::to_string(t[0].get<int64_t>()) + "x" +
                     std::to_string(t[1].get<int64_t>()) + "x" +
                     std::to_string(t[2].get<int64_t>());
  auto num = [&](const char* k) { return human ? std::string() : p[k].dump(); };
  const bool band = p.contains("latency_band");
  return {p["phase"],
          std::to_string(p["chips"].get<int64_t>()),
          topo,
          std::to_string(p["batch"].get<int64_t>()),
          p["weights"],
          p["ffn_layout"],
          p["attention_sharding"],
          human ? LatencyWithBand(p, "latency_s") : num("latency_s"),
          human ? LatencyWithBand(p, "latency_per_token_s") : num("latency_per_token_s"),
          human ? Si(p["cost_chip_s_per_token"].get<double>() * 1e3, "chip-ms")
                : num("cost_chip_s_per_token"),
          human ? Percent(p["mfu"]) : num("mfu"),
          human ? Si(p["memory_per_chip_bytes"], "B") : num("memory_per_chip_bytes"),
          p["fits"].get<bool>() ? "yes" : "no",
          band ? p["latency_band"]["low_s"].dump() : "",
          band ? p["latency_band"]["high_s"].dump() : ""};
}

int RunPoints(Args args, std::string (*call)(std::string_view), const char* name,
              const std::vector<const char*>& lists) {
  std::optional<Format> format = TakeFormat(args, {Format::kJson, Format::kTable, Format::kCsv});
  if (!format) return kExitBadInput;
  if (args.size() != 1) {
    std::cerr << "esti: invalid_value at " << name << ": expected one scenario FILE or -\n";
    return kExitBadInput;
  }
  std::optional<std::string> text = ReadInput(args[0]);
  if (!text) return kExitBadInput;
  std::string response = call(*text);
  int code = 0;
  std::optional<io::Json> j = EmitResponse(response, *format, &code);
  if (!j) return code;
  std::vector<std::vector<std::string>> rows;
  std::vector<const io::Json*> points;
  // A frontier over several chips answers {"per_hardware": [...]}: one row set per chip, with a
  // leading hardware column.
  const bool per_hardware = j->contains("per_hardware");
  std::vector<const io::Json*> answers;
  if (per_hardware) {
    for (const auto& a : (*j)["per_hardware"]) answers.push_back(&a);
  } else {
    answers.push_back(&*j);
  }
  for (const io::Json* a : answers) {
    for (const char* list : lists) {
      for (const auto& p : (*a)[list]) {
        rows.push_back(PointRow(p, *format == Format::kTable));
        if (per_hardware) rows.back().insert(rows.back().begin(), (*a)["hardware_id"]);
        points.push_back(&p);
      }
    }
  }
  std::vector<std::string> full = PointHeader();
  if (per_hardware) full.insert(full.begin(), "hardware");
  if (*format == Format::kCsv) {
    PrintCsv(full, rows);
    return 0;
  }
  // The band columns are for CSV; the table shows the band beside each latency.
  std::vector<std::string> header(full.begin(), full.end() - 2);
  for (auto& r : rows) r.resize(header.size());
  PrintTable(header, rows);
  PrintCalibrationWarnings(points);
  return 0;
}

}  // namespace

int RunSearch(Args args) {
  return RunPoints(std::move(args), api::Search, "search", {"candidates"});
}
int RunFrontier(Args args) {
  return RunPoints(std::move(args), api::Frontier, "frontier", {"prefill", "decode"});
}

}  // namespace esti::cli
