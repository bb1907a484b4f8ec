#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>

#include "cli.h"
#include "esti/api.h"
#include "esti/io/presets.h"

namespace esti::cli {

namespace {

// A parameter count as an integer. Counts are doubles; past 2^63 the cast to int64 is undefined
// behaviour (issue 12 item 6: it printed -9223372036854775808), so huge or non-finite counts print
// in exponent form instead.
std::string ExactCount(double v) {
  if (std::isfinite(v) && v >= -0x1p63 && v < 0x1p63) {
    return std::to_string(static_cast<int64_t>(v));
  }
  char buf[32];
  (void)std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

int RunModel(Args args) {
  std::optional<Format> format = TakeFormat(args, {Format::kJson, Format::kTable});
  if (!format) return kExitBadInput;
  if (args.size() != 1) {
    std::cerr << "esti: invalid_value at model: expected one preset id, FILE or -\n";
    return kExitBadInput;
  }
  io::Json request;
  if (io::FindPreset("models", args[0]) != nullptr) {
    request = {{"model", args[0]}};
  } else {
    std::optional<io::Json> model = ReadJsonArg(args[0]);
    if (!model) return kExitBadInput;
    request = {{"model", *model}};
  }
  std::string response = api::DescribeModel(request.dump());
  int code = 0;
  std::optional<io::Json> j = EmitResponse(response, *format, &code);
  if (!j) return code;
  const io::Json& p = (*j)["params"];
  const io::Json& m = (*j)["model"];
  std::cout << TerminalSafe(m["name"].get<std::string>()) << " ("
            << TerminalSafe(m["id"].get<std::string>()) << ")\n";
  std::vector<std::vector<std::string>> rows;
  for (const char* k : {"attention_q", "attention_kv", "attention_o", "ffn", "norm_scales", "embedding",
                        "non_embedding", "total_params"}) {
    double v = p[k].get<double>();
    rows.push_back({k, Si(v, ""), ExactCount(v)});
  }
  PrintTable({"component", "params", "exact"}, rows);
  std::cout << "\nkv_bytes_per_token  " << Si((*j)["kv_bytes_per_token"].get<double>(), "B")
            << "\nweight_bytes bf16   " << Si((*j)["weight_bytes"]["bf16"].get<double>(), "B")
            << "\nweight_bytes int8   " << Si((*j)["weight_bytes"]["int8"].get<double>(), "B")
            << "\n";
  return 0;
}

}  // namespace esti::cli
