#include <iostream>

#include "cli.h"
#include "esti/api.h"
#include "esti/io/presets.h"

namespace esti::cli {

// esti calibrate [DATA] [--check]: fits the calibrated mode to a measurement file (default: the
// committed PaLM 540B data) and prints the parameters to store in the hardware preset.
int RunCalibrate(Args args) {
  std::optional<Format> format = TakeFormat(args, {Format::kJson, Format::kTable});
  if (!format) return kExitBadInput;
  bool check = false;
  std::erase_if(args, [&](const std::string& a) { return a == "--check" ? (check = true) : false; });
  std::string hold_out;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--hold-out") {
      hold_out = args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i), args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      break;
    }
  }
  if (args.size() > 1) {
    std::cerr << "esti: invalid_value at calibrate: expected at most one DATA file, preset id or -\n";
    return kExitBadInput;
  }
  io::Json data = args.empty() ? io::Json("palm-540b-tpu-v4") : io::Json(args[0]);
  if (!args.empty() && io::FindPreset("calibration", args[0]) == nullptr) {
    std::optional<io::Json> parsed = ReadJsonArg(args[0]);
    if (!parsed) return kExitBadInput;
    data = *parsed;
  }
  io::Json request = {{"data", data}, {"fit", !check}};
  if (!hold_out.empty()) request["hold_out_prefix"] = hold_out;
  std::string response = api::Calibrate(request.dump());
  int code = 0;
  std::optional<io::Json> j = EmitResponse(response, *format, &code);
  if (!j) return code;
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : (*j)["points"]) {
    rows.push_back({p["id"], Seconds(p["measured_s"]), Seconds(p["predicted_s"]),
                    Percent(p["relative_error"]), p["ffn_layout"], p["attention_sharding"]});
  }
  PrintTable({"measurement", "measured", "predicted", "error", "ffn_layout", "attention"}, rows);
  if (j->contains("held_out")) {
    rows.clear();
    for (const auto& p : (*j)["held_out"]) {
      rows.push_back({p["id"], Seconds(p["measured_s"]), Seconds(p["predicted_s"]),
                      Percent(p["relative_error"]), p["ffn_layout"], p["attention_sharding"]});
    }
    std::cout << "\nheld out of the fit (predicted, never seen):\n";
    PrintTable({"measurement", "measured", "predicted", "error", "ffn_layout", "attention"}, rows);
    std::cout << "held-out rms log error " << (*j)["held_out_rms_log_error"].get<double>()
              << ", max |error| " << Percent((*j)["held_out_max_abs_relative_error"]) << "\n";
  }
  std::cout << "\nrms log error " << (*j)["rms_log_error"].get<double>() << ", max |error| "
            << Percent((*j)["max_abs_relative_error"]) << "\n"
            << (check ? "current" : "fitted") << " calibration: " << (*j)["calibration"].dump(2) << "\n";
  return 0;
}

}  // namespace esti::cli
