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
  if (args.size() > 1) {
    std::cerr << "esti: invalid_value at calibrate: expected at most one DATA file, preset id or -\n";
    return kExitBadInput;
  }
  io::Json data = args.empty() ? io::Json("palm-540b-tpu-v4") : io::Json(args[0]);
  if (!args.empty() && io::FindPreset("calibration", args[0]) == nullptr) {
    std::optional<std::string> text = ReadInput(args[0]);
    if (!text) return kExitBadInput;
    Result<io::Json> parsed = io::ParseJson(*text);
    if (!parsed.ok()) {
      std::cerr << "esti: " << parsed.error().code << " at " << args[0] << ": " << parsed.error().message << "\n";
      return kExitBadInput;
    }
    data = parsed.value();
  }
  io::Json request = {{"data", data}, {"fit", !check}};
  std::string response = api::Calibrate(request.dump());
  int code = 0;
  std::optional<io::Json> j = CheckResponse(response, &code);
  if (!j) return code;
  if (*format == Format::kJson) {
    std::cout << response << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : (*j)["points"]) {
    rows.push_back({p["id"], Seconds(p["measured_s"]), Seconds(p["predicted_s"]),
                    Percent(p["relative_error"]), p["ffn_layout"], p["attention_sharding"]});
  }
  PrintTable({"measurement", "measured", "predicted", "error", "ffn_layout", "attention"}, rows);
  std::cout << "\nrms log error " << (*j)["rms_log_error"].get<double>() << ", max |error| "
            << Percent((*j)["max_abs_relative_error"]) << "\n"
            << (check ? "current" : "fitted") << " calibration: " << (*j)["calibration"].dump(2) << "\n";
  return 0;
}

}  // namespace esti::cli
