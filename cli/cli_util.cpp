#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli.h"

namespace esti::cli {

std::optional<std::string> ReadInput(const std::string& arg) {
  if (arg == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream f(arg, std::ios::binary);
  if (!f) {
    std::cerr << "esti: cannot read file " << arg << "\n";
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::optional<Format> TakeFormat(Args& args, const std::vector<Format>& allowed) {
  Format f = Format::kJson;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string v;
    if (args[i] == "--format" && i + 1 < args.size()) {
      v = args[i + 1];
      args.erase(args.begin() + i, args.begin() + i + 2);
    } else if (args[i].rfind("--format=", 0) == 0) {
      v = args[i].substr(9);
      args.erase(args.begin() + i);
    } else {
      continue;
    }
    if (v == "json")
      f = Format::kJson;
    else if (v == "table")
      f = Format::kTable;
    else if (v == "csv")
      f = Format::kCsv;
    else {
      std::cerr << "esti: invalid_value at --format: \"" << v << "\" is not json, table or csv\n";
      return std::nullopt;
    }
    if (std::find(allowed.begin(), allowed.end(), f) == allowed.end()) {
      std::cerr << "esti: invalid_value at --format: \"" << v << "\" is not supported here\n";
      return std::nullopt;
    }
    break;
  }
  return f;
}

std::optional<io::Json> CheckResponse(const std::string& response, int* exit_code) {
  io::Json j = io::Json::parse(response, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    std::cerr << "esti: internal: unreadable response\n";
    *exit_code = kExitFailure;
    return std::nullopt;
  }
  if (!j.value("ok", false)) {
    const io::Json& e = j["error"];
    std::string path = e.value("path", "");
    std::cerr << "esti: " << e.value("code", "error") << " at " << (path.empty() ? "/" : path)
              << ": " << e.value("message", "") << "\n";
    *exit_code = e.value("code", "") == "internal" ? kExitFailure : kExitBadInput;
    return std::nullopt;
  }
  *exit_code = kExitOk;
  return j;
}

std::optional<io::Json> EmitResponse(const std::string& response, Format format, int* exit_code) {
  std::optional<io::Json> j = CheckResponse(response, exit_code);
  if (j && format == Format::kJson) {
    std::cout << response << "\n";
    return std::nullopt;
  }
  return j;
}

std::optional<io::Json> ReadJsonArg(const std::string& arg) {
  std::optional<std::string> text = ReadInput(arg);
  if (!text) return std::nullopt;
  Result<io::Json> parsed = io::ParseJson(*text);
  if (!parsed.ok()) {
    std::cerr << "esti: " << parsed.error().code << " at " << arg << ": " << parsed.error().message
              << "\n";
    return std::nullopt;
  }
  return parsed.value();
}

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> w(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) w[i] = header[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], r[i].size());
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < w.size(); ++i) {
      std::string c = i < r.size() ? r[i] : "";
      std::cout << c << std::string(w[i] - c.size() + (i + 1 < w.size() ? 2 : 0), ' ');
    }
    std::cout << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

void PrintCsv(const std::vector<std::string>& header,
              const std::vector<std::vector<std::string>>& rows) {
  auto line = [](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      bool quote = r[i].find_first_of(",\"\n") != std::string::npos;
      std::string c = r[i];
      if (quote) {
        std::string q = "\"";
        for (char ch : c) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        c = q + "\"";
      }
      std::cout << (i ? "," : "") << c;
    }
    std::cout << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

std::string Si(double v, const std::string& unit, int digits) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int p = 0;
  double a = std::fabs(v);
  while (a >= 1000 && p < 6) {
    a /= 1000;
    v /= 1000;
    ++p;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g %s%s", digits, v, prefixes[p], unit.c_str());
  return buf;
}

std::string Seconds(double s) {
  char buf[64];
  if (s >= 1)
    std::snprintf(buf, sizeof buf, "%.4g s", s);
  else if (s >= 1e-3)
    std::snprintf(buf, sizeof buf, "%.4g ms", s * 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.4g us", s * 1e6);
  return buf;
}

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100);
  return buf;
}

}  // namespace esti::cli

namespace esti::cli {

std::string LatencyWithBand(const io::Json& result, const std::string& key) {
  std::string out = Seconds(result[key]);
  if (!result.contains("latency_band")) return out;
  const io::Json& b = result["latency_band"];
  const bool per_token = key == "latency_per_token_s";
  return out + ", " + Seconds(b[per_token ? "low_per_token_s" : "low_s"]) + "-" +
         Seconds(b[per_token ? "high_per_token_s" : "high_s"]);
}

void PrintCalibrationWarnings(const std::vector<const io::Json*>& results) {
  std::vector<std::string> seen;
  for (const io::Json* r : results) {
    if (!r->contains("calibration_warnings")) continue;
    for (const auto& w : (*r)["calibration_warnings"]) {
      const std::string text = w.get<std::string>();
      if (std::find(seen.begin(), seen.end(), text) != seen.end()) continue;
      seen.push_back(text);
      std::cout << "warning: " << text << "\n";
    }
  }
}

}  // namespace esti::cli
