#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>

#include "cli.h"
#include "esti/api.h"

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

void PrintParams(const io::Json& p) {
  std::vector<std::vector<std::string>> rows;
  for (const char* k : {"attention_q", "attention_kv", "attention_o", "ffn", "norm_scales",
                        "embedding", "non_embedding", "total_params"}) {
    double v = p[k].get<double>();
    rows.push_back({k, Si(v, ""), ExactCount(v)});
  }
  PrintTable({"component", "params", "exact"}, rows);
}

// Pulls `flag VALUE` out of args. Returns false (after printing) when the value is missing.
bool TakeOption(Args& args, const std::string& flag, std::optional<std::string>* value) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != flag) continue;
    if (i + 1 >= args.size()) {
      std::cerr << "esti: missing_field at " << flag << ": expected a value\n";
      return false;
    }
    *value = args[i + 1];
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
               args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    return true;
  }
  return true;
}

// esti model --from-hf config.json [--id ID] [--name NAME]: through api::ModelFromHf.
int RunFromHf(Args args, Format format) {
  std::optional<std::string> file, id, name;
  if (!TakeOption(args, "--from-hf", &file) || !TakeOption(args, "--id", &id) ||
      !TakeOption(args, "--name", &name)) {
    return kExitBadInput;
  }
  if (!args.empty()) {
    std::cerr << "esti: invalid_value at " << args[0] << ": unexpected argument\n";
    return kExitBadInput;
  }
  std::optional<io::Json> config = ReadJsonArg(*file);
  if (!config) return kExitBadInput;
  io::Json request = {{"config", *config}};
  if (id) request["id"] = *id;
  if (name) request["name"] = *name;
  std::string response = api::ModelFromHf(request.dump());
  int code = 0;
  std::optional<io::Json> j = EmitResponse(response, format, &code);
  if (!j) return code;
  const io::Json& m = (*j)["model"];
  std::cout << m["name"].get<std::string>() << " (" << m["id"].get<std::string>() << "), from a "
            << (*j)["architecture"].get<std::string>() << " config.json\n";
  std::vector<std::vector<std::string>> fields;
  for (const char* k : {"n_layers", "d_model", "d_ff", "n_heads", "n_kv_heads", "d_head",
                        "vocab_size", "ffn_type", "block_type", "shared_embedding"}) {
    fields.push_back({k, m[k].is_string() ? m[k].get<std::string>() : m[k].dump()});
  }
  PrintTable({"field", "value"}, fields);
  std::cout << "\n";
  PrintParams((*j)["params"]);
  if (!(*j)["unmapped"].empty()) {
    std::cout << "\nunmapped (not represented in esti's model):\n";
    std::vector<std::vector<std::string>> rows;
    for (const io::Json& u : (*j)["unmapped"]) {
      rows.push_back({u["field"].get<std::string>(), u["effect"].get<std::string>(),
                      u["reason"].get<std::string>()});
    }
    PrintTable({"field", "effect", "reason"}, rows);
  }
  for (const io::Json& n : (*j)["notes"]) std::cout << "note: " << n.get<std::string>() << "\n";
  std::cout << "\n(--format json gives the full answer; its \"model\" is esti's model JSON)\n";
  return 0;
}

}  // namespace

int RunModel(Args args) {
  std::optional<Format> format = TakeFormat(args, {Format::kJson, Format::kTable});
  if (!format) return kExitBadInput;
  for (const std::string& a : args) {
    if (a == "--from-hf") return RunFromHf(args, *format);
  }
  if (args.size() != 1) {
    std::cerr << "esti: invalid_value at model: expected one preset id, FILE or -\n";
    return kExitBadInput;
  }
  io::Json request;
  if (IsPreset("models", args[0])) {
    request = {{"model", args[0]}};
  } else if (args[0] != "-" && access(args[0].c_str(), F_OK) != 0) {
    // Neither a preset nor a file: say both, with the presets there are.
    std::cerr << "esti: unknown_preset at model: no model preset or file \""
              << TerminalSafe(args[0]) << "\" (presets: " << PresetList("models") << ")\n";
    return kExitBadInput;
  } else {
    std::optional<io::Json> model = ReadJsonArg(args[0]);
    if (!model) return kExitBadInput;
    request = {{"model", *model}};
  }
  std::string response = api::DescribeModel(request.dump());
  int code = 0;
  std::optional<io::Json> j = EmitResponse(response, *format, &code);
  if (!j) return code;
  const io::Json& m = (*j)["model"];
  std::cout << TerminalSafe(m["name"].get<std::string>()) << " ("
            << TerminalSafe(m["id"].get<std::string>()) << ")\n";
  PrintParams((*j)["params"]);
  std::cout << "\nkv_bytes_per_token  " << Si((*j)["kv_bytes_per_token"].get<double>(), "B")
            << "\nweight_bytes bf16   " << Si((*j)["weight_bytes"]["bf16"].get<double>(), "B")
            << "\nweight_bytes int8   " << Si((*j)["weight_bytes"]["int8"].get<double>(), "B")
            << "\n";
  return 0;
}

}  // namespace esti::cli
