#include <iostream>

#include "cli.h"
#include "esti/api.h"

namespace esti::cli {

namespace {
// The GQA hybrid's axes, from the core's kv_cache sharding (docs/gqa-attention.md):
// " (K/V heads over x, batch over yz)"; empty for the paper's two shardings.
std::string HybridAxes(const io::Json& r) {
  if (r["attention_sharding"] != "hybrid" || !r.contains("sharding")) return "";
  for (const auto& t : r["sharding"]) {
    if (t["tensor"] != "kv_cache") continue;
    const auto& s = t["splits"];
    const std::string heads = s.value("H", ""), batch = s.value("B", "");
    return " (K/V heads over " + (heads.empty() ? std::string("none") : heads) + ", batch over " +
           (batch.empty() ? std::string("none") : batch) + ")";
  }
  return "";
}
}  // namespace

void PrintEvaluationTable(const io::Json& r) {
  const auto& t = r["topology"];
  std::cout << TerminalSafe(r["model_id"].get<std::string>()) << " on " << r["chips"].get<int64_t>()
            << " x " << TerminalSafe(r["hardware_id"].get<std::string>()) << " (" << t[0] << "x"
            << t[1] << "x" << t[2] << "), " << r["phase"].get<std::string>() << ", batch "
            << r["batch"] << ", " << r["weights"].get<std::string>() << ", "
            << r["ffn_layout"].get<std::string>() << " + attention over "
            << r["attention_sharding"].get<std::string>() << HybridAxes(r) << ", "
            << r["mode"].get<std::string>() << "\n";
  std::vector<std::vector<std::string>> quantities = {
      {"latency", LatencyWithBand(r, "latency_s")},
      {"latency per token", LatencyWithBand(r, "latency_per_token_s")}};
  if (r.contains("end_to_end")) {
    // One request from prompt to last token (core/src/api/end_to_end.h).
    const auto& e = r["end_to_end"];
    quantities.push_back({"end to end", Seconds(e["total_s"]) + " = " + Seconds(e["prefill_s"]) +
                                            " prefill + " + Seconds(e["decode_s"]) + " decode"});
    quantities.push_back({"cost per request", Si(e["chip_seconds_per_request"], "chip-s")});
  }
  quantities.push_back({"MFU", Percent(r["mfu"])});
  quantities.push_back(
      {"cost", Si(r["cost_chip_s_per_token"].get<double>() * 1e3, "chip-ms/token")});
  quantities.push_back({"throughput", Si(r["throughput_tokens_per_s"], "tokens/s")});
  quantities.push_back({"memory per chip", Si(r["memory_per_chip_bytes"], "B") + " of " +
                                               Si(r["memory"]["hbm_capacity_bytes"], "B")});
  quantities.push_back({"fits", r["fits"].get<bool>() ? "yes" : "NO"});
  PrintTable({"quantity", "value"}, quantities);
  for (const auto& why : r["does_not_fit"])
    std::cout << "  " << TerminalSafe(why.get<std::string>()) << "\n";
  PrintCalibrationWarnings({&r});
  const auto& b = r["breakdown"];
  std::cout << "\nbreakdown over " << b["passes"] << " pass(es), per chip:\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& term : b["terms"])
    rows.push_back({term["name"], Seconds(term["time_s"]), term["formula"]});
  PrintTable({"term", "time", "formula"}, rows);
  rows.clear();
  for (const auto& c : b["collectives"]) {
    rows.push_back({c["name"], c["kind"], c["axes"], std::to_string(c["group_size"].get<int64_t>()),
                    Si(c["bytes_per_chip_per_layer"], "B"), Seconds(c["time_s"])});
  }
  if (!rows.empty()) {
    std::cout << "\ncollectives (per layer volume, phase time):\n";
    PrintTable({"collective", "kind", "axes", "chips", "bytes/chip/layer", "time"}, rows);
  }
}

int RunEvaluate(Args args) {
  std::optional<Format> format = TakeFormat(args, {Format::kJson, Format::kTable});
  if (!format) return kExitBadInput;
  if (args.size() != 1) {
    std::cerr << "esti: invalid_value at evaluate: expected one scenario FILE or -\n";
    return kExitBadInput;
  }
  std::optional<std::string> text = ReadInput(args[0]);
  if (!text) return kExitBadInput;
  std::string response = api::Evaluate(*text);
  int code = 0;
  std::optional<io::Json> j = EmitResponse(response, *format, &code);
  if (!j) return code;
  PrintEvaluationTable(*j);
  return 0;
}

}  // namespace esti::cli
