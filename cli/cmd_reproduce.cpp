#include <iostream>

#include "cli.h"
#include "esti/api.h"

namespace esti::cli {

namespace {

// A paper quantity for people: seconds as such, token counts and bytes with SI prefixes.
std::string Value(const io::Json& row, const char* key) {
  const std::string q = row["quantity"];
  if (q == "latency_s" || q == "latency_per_token_s") return Seconds(row[key]);
  if (q == "comm_bytes_per_chip_per_layer") return Si(row[key], "B");
  return Si(row[key], "tokens");
}

}  // namespace

// esti reproduce [--format table|csv|json]: every paper point esti has data for, with the
// paper's number, esti's roofline and calibrated numbers and the error (api::Reproduce).
int RunReproduce(Args args) {
  std::optional<Format> format = TakeFormat(args, {Format::kJson, Format::kTable, Format::kCsv});
  if (!format) return kExitBadInput;
  if (!args.empty()) {
    std::cerr << "esti: invalid_value at reproduce: takes no arguments but --format\n";
    return kExitBadInput;
  }
  int code = 0;
  std::optional<io::Json> j = EmitResponse(api::Reproduce("{}"), *format, &code);
  if (!j) return code;
  const bool csv = *format == Format::kCsv;
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : (*j)["rows"]) {
    if (csv) {
      rows.push_back({r["id"], r["source"], r["what"], r["quantity"], r["paper"].dump(),
                      r["roofline"].dump(), r["calibrated"].dump(), r["error"].dump(),
                      r["used_in_fit"].get<bool>() ? "yes" : "no"});
    } else {
      rows.push_back({r["id"], r["source"], Value(r, "paper"), Value(r, "roofline"),
                      Value(r, "calibrated"), Percent(r["error"]),
                      r["used_in_fit"].get<bool>() ? "yes" : "no"});
    }
  }
  if (csv) {
    PrintCsv({"id", "source", "what", "quantity", "paper", "roofline", "calibrated", "error",
              "used_in_fit"},
             rows);
  } else {
    PrintTable({"point", "source", "paper", "roofline", "calibrated", "error", "in fit"}, rows);
  }
  return 0;
}

}  // namespace esti::cli
