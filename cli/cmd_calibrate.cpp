#include <iostream>

#include "cli.h"
#include "esti/api.h"

namespace esti::cli {

namespace {

// The paper's data for TPU v4: every committed measurement file (ESTI Table 2, Figure 1 / C.1).
const char* const kPaperData[] = {"palm-540b-tpu-v4", "palm-62b-tpu-v4", "palm-8b-tpu-v4"};

std::vector<std::string> PointRow(const io::Json& p) {
  return {
      p["id"],
      Seconds(p["measured_s"]),
      Seconds(p["predicted_s"]),
      Percent(p["relative_error"]),
      std::to_string(p["chips"].get<int64_t>()) + " x " + std::to_string(p["batch"].get<int64_t>()),
      p["ffn_layout"].get<std::string>() + " + " + p["attention_sharding"].get<std::string>()};
}

// A function, not a static vector: a static's constructor could throw before main (cert-err58-cpp).
std::vector<std::string> PointHeader() {
  return {"point", "measured", "predicted", "error", "chips x batch", "layout"};
}

void PrintCrossValidation(const io::Json& cv) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : cv["held_out"]) rows.push_back(PointRow(p));
  std::cout << "\ncross-validation: each " << cv["by"].get<std::string>()
            << " predicted by a fit that never saw it:\n";
  PrintTable(PointHeader(), rows);
  rows.clear();
  for (const auto& f : cv["folds"]) {
    rows.push_back({f["left_out"], std::to_string(f["points"].get<int64_t>()),
                    Percent(f["median_abs_relative_error"]), Percent(f["max_abs_relative_error"]),
                    Si(f["rms_log_error"], "", 3)});
  }
  rows.push_back({"all", std::to_string(cv["held_out"].size()),
                  Percent(cv["median_abs_relative_error"]), Percent(cv["max_abs_relative_error"]),
                  Si(cv["rms_log_error"], "", 3)});
  std::cout << "\n";
  PrintTable({"left out", "points", "median |error|", "max |error|", "rms log error"}, rows);
}

}  // namespace

// esti calibrate [DATA...] [--check] [--cross-validate[=model|group]] [--fit-all]: fits the
// calibrated mode to measurement files (default: the paper's PaLM 540B, 62B and 8B data) and
// prints the calibration block to store in a hardware JSON.
int RunCalibrate(Args args) {
  std::optional<Format> format = TakeFormat(args, {Format::kJson, Format::kTable});
  if (!format) return kExitBadInput;
  bool check = false, fit_all = false;
  std::string cv = "auto";
  std::erase_if(args, [&](const std::string& a) {
    if (a == "--check") return check = true;
    if (a == "--fit-all") return fit_all = true;
    if (a == "--cross-validate" || a == "--cross-validate=model") return cv = "model", true;
    if (a == "--cross-validate=group") return cv = "group", true;
    if (a == "--no-cross-validate") return cv = "none", true;
    return false;
  });
  io::Json data = io::Json::array();
  if (args.empty()) {
    for (const char* id : kPaperData) data.push_back(id);
  }
  for (const std::string& a : args) {
    if (IsPreset("calibration", a)) {
      data.push_back(a);
      continue;
    }
    std::optional<io::Json> parsed = ReadJsonArg(a);
    if (!parsed) return kExitBadInput;
    data.push_back(*parsed);
  }
  io::Json request = {{"data", data}, {"fit", !check}};
  if (!check) request["cross_validate"] = cv;
  if (fit_all) request["fixed"] = io::Json::object();
  std::string response = api::Calibrate(request.dump());
  int code = 0;
  std::optional<io::Json> j = EmitResponse(response, *format, &code);
  if (!j) return code;
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : (*j)["points"]) rows.push_back(PointRow(p));
  std::cout << (check ? "current calibration" : "the fit") << ", on the data it saw:\n";
  PrintTable(PointHeader(), rows);
  std::cout << "median |error| " << Percent((*j)["median_abs_relative_error"]) << ", max |error| "
            << Percent((*j)["max_abs_relative_error"]) << ", rms log error "
            << Si((*j)["rms_log_error"], "", 3) << "\n";
  if (j->contains("parameters")) {
    rows.clear();
    for (const auto& p : (*j)["parameters"]) {
      std::string how = !p["fitted"].get<bool>()    ? "fixed"
                        : p["at_bound"].get<bool>() ? "fitted, at its bound"
                        : p.contains("std_error")   ? "+/- " + Si(p["std_error"], "", 2)
                                                    : "not identifiable";
      rows.push_back({p["name"], Si(p["value"], "", 4), how});
    }
    std::cout << "\n";
    PrintTable({"parameter", "value", "standard error"}, rows);
    for (const auto& w : (*j)["warnings"]) std::cout << "warning: " << w.get<std::string>() << "\n";
    for (const auto& c : (*j)["confounded"]) {
      std::cout << "confounded: " << c["pair"].get<std::string>() << " (correlation "
                << Si(c["correlation"], "", 3) << ")\n";
    }
  }
  if (j->contains("cross_validation")) PrintCrossValidation((*j)["cross_validation"]);
  if (j->contains("band_coverage")) {
    std::cout << "band coverage: " << Percent((*j)["band_coverage"])
              << " of the points lie inside their own error band\n";
  }
  std::cout << "\ncalibration: " << (*j)["calibration"].dump() << "\n";
  return 0;
}

}  // namespace esti::cli
