#include <iostream>

#include "cli.h"
#include "esti/api.h"

namespace esti::cli {

int RunPresets(Args args) {
  std::optional<Format> format = TakeFormat(args, {Format::kJson, Format::kTable});
  if (!format) return kExitBadInput;
  if (!args.empty()) {
    std::cerr << "esti: invalid_value at " << TerminalSafe(args[0]) << ": unexpected argument\n";
    return kExitBadInput;
  }
  std::string response = api::ListPresets();
  int code = 0;
  std::optional<io::Json> j = EmitResponse(response, *format, &code);
  if (!j) return code;
  std::vector<std::vector<std::string>> rows;
  for (const char* kind : {"hardware", "models", "scenarios", "calibration"}) {
    for (const auto& p : (*j)[kind]) rows.push_back({kind, p["id"], p["name"]});
  }
  PrintTable({"kind", "id", "name"}, rows);
  return 0;
}

}  // namespace esti::cli
