// esti decode: runs the reference decoder through api::Decode.
#include <charconv>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "esti/api.h"
#include "esti/mesh/transport.h"
#include "mpi_transport.h"

namespace esti::cli {

namespace {

int Bad(const std::string& flag, const std::string& message) {
  std::cerr << "esti: invalid_value at " << TerminalSafe(flag) << ": " << TerminalSafe(message)
            << "\n";
  return kExitBadInput;
}

// The whole of `s` as a number (from_chars for double is in libstdc++ 11+).
template <class T>
bool ParseNumber(const std::string& s, T* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

const char* kUsage =
    "esti decode --model <preset|FILE> --prompt 1,2,3 --tokens N [--weights int8|fp32] [--seed S]\n"
    "            [--batch B] [--temperature T] [--top-k K] [--top-p P] [--checkpoint "
    "FILE.safetensors]\n"
    "            [--mesh XxYxZ [--ffn-layout ws1d|ws2d|wg_x|wg_xy|wg_xyz]\n"
    "             [--attention-sharding heads|batch] [--transport local|mpi]\n"
    "             [--link-latency-s S --link-bandwidth B_PER_S]]\n"
    "            [--format json|table]\n"
    "  --mesh runs the decoder partitioned over X*Y*Z chips and lists every collective with its\n"
    "  bytes next to the cost model's. --transport mpi: one rank per chip, under\n"
    "  mpirun -np X*Y*Z (only rank 0 prints).";

// One row per sequence: its generated token ids.
void PrintTokens(const io::Json& tokens) {
  std::vector<std::vector<std::string>> rows;
  for (size_t b = 0; b < tokens.size(); ++b) {
    std::string ids;
    for (const auto& t : tokens[b]) {
      if (!ids.empty()) ids += ',';
      ids += std::to_string(t.get<int64_t>());
    }
    rows.push_back({std::to_string(b), ids});
  }
  PrintTable({"sequence", "generated tokens"}, rows);
}

int PrintSharded(const io::Json& j) {
  PrintTokens(j["tokens"]);
  std::cout << "\n"
            << j["model"]["id"].get<std::string>() << ", " << j["weights"].get<std::string>()
            << " weights on mesh " << j["mesh"].get<std::string>() << " ("
            << j["transport"].get<std::string>() << "), " << j["ffn_layout"].get<std::string>()
            << ", attention over " << j["attention_sharding"].get<std::string>() << "\n";
  for (const auto& n : j["notes"]) std::cout << "note: " << n.get<std::string>() << "\n";
  std::cout << "\n";
  std::vector<std::vector<std::string>> cols;
  for (const io::Json& c : j["collectives"]) {
    const bool in_model = c["in_cost_model"].get<bool>();
    cols.push_back({c["phase"].get<std::string>(), c["name"].get<std::string>(),
                    c["axes"].get<std::string>(), std::to_string(c["group"].get<int64_t>()),
                    std::to_string(c["calls"].get<int64_t>()),
                    Si(c["bytes_measured"].get<double>(), "B"),
                    in_model ? Si(c["bytes_model"].get<double>(), "B") : "-",
                    c["match"].get<bool>() ? "yes" : "NO",
                    c["in_paper"].get<bool>() ? Si(c["bytes_paper"].get<double>(), "B") : "-",
                    Seconds(c["seconds"].get<double>()),
                    c.contains("seconds_model") ? Seconds(c["seconds_model"].get<double>()) : "-"});
  }
  PrintTable({"phase", "collective", "axes", "group", "calls", "bytes measured", "bytes model",
              "equal", "paper (bf16)", "seconds", "seconds model"},
             cols);
  const io::Json& m0 = j["memory_per_chip"][0];
  std::cout << "\nchip " << m0["chip"].get<int64_t>() << " holds "
            << Si(m0["weight_bytes"].get<double>(), "B") << " of weights ("
            << m0["weight_elements"].get<int64_t>() << " elements; cost model "
            << m0["weight_elements_model"].get<double>() << ") and "
            << Si(m0["kv_cache_bytes"].get<double>(), "B") << " of KV cache ("
            << m0["kv_cache_elements"].get<int64_t>() << " elements; cost model "
            << m0["kv_cache_elements_model"].get<double>() << ")\n";
  return kExitOk;
}

}  // namespace

int RunDecode(Args args) {
  std::optional<Format> format = TakeFormat(args, {Format::kJson, Format::kTable});
  if (!format) return kExitBadInput;
  io::Json req = io::Json::object();
  std::string checkpoint_path;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage << "\n";
      return kExitOk;
    }
    if (i + 1 >= args.size()) return Bad(flag, "expected a value (see esti decode --help)");
    const std::string v = args[++i];
    int64_t n = 0;
    double d = 0;
    if (flag == "--model") {
      if (IsPreset("models", v)) {
        req["model"] = v;
      } else if (std::filesystem::is_regular_file(v)) {
        std::optional<std::string> text = ReadInput(v);
        if (!text) return kExitBadInput;
        Result<io::Json> model = io::ParseJson(*text);
        if (!model.ok()) return Bad("--model", v + ": " + model.error().message);
        req["model"] = model.value();
      } else {
        std::cerr << "esti: unknown_preset at --model: \"" << TerminalSafe(v)
                  << "\" is neither a model preset nor a file (presets: " << PresetList("models")
                  << ")\n";
        return kExitBadInput;
      }
    } else if (flag == "--prompt") {
      io::Json ids = io::Json::array();
      size_t start = 0;
      while (start <= v.size()) {
        size_t comma = v.find(',', start);
        std::string tok =
            v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!ParseNumber(tok, &n))
          return Bad(flag, "expected comma-separated token ids, got \"" + v + "\"");
        ids.push_back(n);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      req["prompt"] = ids;
    } else if (flag == "--weights") {
      if (v != "int8" && v != "fp32") return Bad(flag, "expected int8 or fp32");
      req["weights"] = v;
    } else if (flag == "--mesh" || flag == "--ffn-layout" || flag == "--attention-sharding" ||
               flag == "--transport") {
      std::string key = flag.substr(2);
      for (char& c : key)
        if (c == '-') c = '_';
      req[key] = v;  // checked by the api, which names the field in its errors
    } else if (flag == "--link-latency-s" || flag == "--link-bandwidth") {
      if (!ParseNumber(v, &d)) return Bad(flag, "expected a number, got \"" + v + "\"");
      req["link"][flag == "--link-latency-s" ? "latency_s" : "bandwidth_bytes_per_s"] = d;
    } else if (flag == "--checkpoint") {
      checkpoint_path = v;
    } else if (flag == "--tokens" || flag == "--seed" || flag == "--batch" || flag == "--top-k") {
      if (!ParseNumber(v, &n)) return Bad(flag, "expected an integer, got \"" + v + "\"");
      req[flag == "--top-k" ? "top_k" : flag.substr(2)] = n;
    } else if (flag == "--temperature" || flag == "--top-p") {
      if (!ParseNumber(v, &d)) return Bad(flag, "expected a number, got \"" + v + "\"");
      req[flag == "--top-p" ? "top_p" : "temperature"] = d;
    } else {
      return Bad(flag, "unknown option (see esti decode --help)");
    }
  }
  for (const char* required : {"model", "prompt", "tokens"}) {
    if (!req.contains(required)) {
      std::cerr << "esti: missing_field at --" << required << ": required option is missing\n";
      return kExitBadInput;
    }
  }
  // The checkpoint is mapped, not copied; an empty file, a directory or a device is refused here
  // (the api refuses an empty checkpoint too).
  std::optional<MappedFile> checkpoint;
  if (!checkpoint_path.empty()) {
    checkpoint = MappedFile::Open(checkpoint_path, "--checkpoint", kMaxCheckpointBytes);
    if (!checkpoint) return kExitBadInput;
  }
  mesh::Transport* transport = nullptr;
  std::unique_ptr<mesh::Transport> owned;
  if (req.contains("transport") && req["transport"] == "mpi") {
    Result<std::unique_ptr<mesh::Transport>> t = MakeMpiTransport(req.value("mesh", ""));
    if (!t.ok()) {
      std::cerr << "esti: " << t.error().code << " at " << t.error().path << ": "
                << TerminalSafe(t.error().message) << "\n";
      return kExitBadInput;
    }
    owned = std::move(t).value();
    transport = owned.get();
  }
  // SIGINT stops the decode after the current step; the tokens so far are printed, exit 130. If
  // the handler cannot be installed, Ctrl-C keeps its default (the process ends at once).
  const bool cancellable = std::signal(SIGINT, [](int) { api::CancelDecode(); }) != SIG_ERR;
  std::string_view bytes;
  if (checkpoint) bytes = checkpoint->bytes();
  const std::string response = api::Decode(req.dump(), checkpoint ? &bytes : nullptr, transport);
  if (cancellable && std::signal(SIGINT, SIG_DFL) == SIG_ERR) {
    std::cerr << "esti: could not restore the default SIGINT handler\n";
  }
  // Under MPI every rank runs the same request; rank 0 (chip 0) prints.
  if (transport != nullptr && transport->local_chips()[0] != 0) return kExitOk;
  int code = 0;
  std::optional<io::Json> j = CheckResponse(response, &code);
  if (!j) return code;
  const bool cancelled = j->value("cancelled", false);
  if (cancelled) {
    std::cerr << "esti: decode interrupted after " << (*j)["tokens"][0].size()
              << " tokens per sequence\n";
  }
  const int done = cancelled ? kExitInterrupted : kExitOk;
  if (*format == Format::kJson) {
    std::cout << response << "\n";
    return done;
  }
  if (j->contains("collectives")) return PrintSharded(*j);
  PrintTokens((*j)["tokens"]);
  std::cout << "\n"
            << TerminalSafe((*j)["model"]["id"].get<std::string>()) << ", "
            << (*j)["weights"].get<std::string>() << " weights, kernel "
            << (*j)["kernel"].get<std::string>() << "\n";
  std::cout << "tokens_per_s         " << Si((*j)["tokens_per_s"].get<double>(), "tok/s") << "\n";
  std::cout << "prefill / decode     " << Seconds((*j)["prefill_s"].get<double>()) << " / "
            << Seconds((*j)["decode_s"].get<double>()) << "\n\n";
  std::vector<std::vector<std::string>> counts;
  for (const char* k : {"matmul_flops", "attention_flops", "weight_bytes", "weight_scale_bytes",
                        "embedding_lookup_bytes", "kv_read_bytes", "kv_write_bytes"}) {
    counts.push_back({k, Si((*j)["counts"]["prefill"][k].get<double>(), ""),
                      Si((*j)["counts"]["decode"][k].get<double>(), "")});
  }
  PrintTable({"counted", "prefill", "decode (all steps)"}, counts);
  return done;
}

}  // namespace esti::cli
