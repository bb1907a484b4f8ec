// esti schema: the input documents' fields as the core reads them (api::Schema).
#include <cstdio>
#include <iostream>

#include "cli.h"
#include "esti/api.h"

namespace esti::cli {

namespace {

std::string Text(const io::Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) {
    char buf[32];
    // %.6g of a double fits in 32 characters and cannot fail (cert-err33-c: explicit discard).
    (void)std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return buf;
  }
  return v.dump();
}

}  // namespace

int RunSchema(Args args) {
  std::optional<Format> format = TakeFormat(args, {Format::kTable, Format::kJson});
  if (!format) return kExitBadInput;
  if (!args.empty()) {
    std::cerr << "esti: invalid_value at " << TerminalSafe(args[0]) << ": unexpected argument\n";
    return kExitBadInput;
  }
  int code = 0;
  std::optional<io::Json> j = EmitResponse(api::Schema(), *format, &code);
  if (!j) return code;
  std::vector<std::vector<std::string>> rows;
  for (const auto& [doc, d] : (*j)["documents"].items()) {
    for (const io::Json& f : d["fields"]) {
      std::string range;
      if (f.contains("min")) range = Text(f["min"]) + ".." + Text(f["max"]);
      std::string values;
      for (const io::Json& v : f.value("values", io::Json::array()))
        values += (values.empty() ? "" : "|") + v["value"].get<std::string>();
      std::string def = f.contains("default") ? Text(f["default"]) : f.value("default_rule", "");
      rows.push_back({doc, f["key"], f["type"], f.value("unit", ""),
                      values.empty() ? range : values, f["required"] ? "yes" : def});
    }
  }
  PrintTable({"document", "key", "type", "unit", "range or values", "required / default"}, rows);
  return 0;
}

}  // namespace esti::cli
