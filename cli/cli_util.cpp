#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli.h"
#include "esti/api.h"

namespace esti::cli {

std::string TerminalSafe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [&out](const char* prefix, unsigned v) {
    char buf[8];
    (void)std::snprintf(buf, sizeof buf, "%s%02x", prefix, v);
    out += buf;
  };
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      hex("\\x", c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // A UTF-8 sequence is kept if well formed; stray bytes (8-bit C1 controls such as 0x9b, CSI)
    // and the encoded C1 controls U+0080..U+009F are escaped.
    const size_t len = c >= 0xc2 && c <= 0xdf   ? 2
                       : c >= 0xe0 && c <= 0xef ? 3
                       : c >= 0xf0 && c <= 0xf4 ? 4
                                                : 0;
    bool ok = len != 0 && i + len <= text.size();
    for (size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    if (!ok) {
      hex("\\x", c);
      ++i;
      continue;
    }
    if (c == 0xc2 && static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      hex("\\u00", static_cast<unsigned char>(text[i + 1]));
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

namespace {

int Complain(const std::string& code, const std::string& where, const std::string& message) {
  std::cerr << "esti: " << code << " at " << TerminalSafe(where) << ": " << TerminalSafe(message)
            << "\n";
  return kExitBadInput;
}

std::string TooLarge(int64_t max_bytes) {
  return "input exceeds the limit of " + std::to_string(max_bytes) + " bytes";
}

}  // namespace

std::optional<std::string> ReadInput(const std::string& arg, int64_t max_bytes) {
  // Read in chunks and stop one byte past the cap: /dev/zero or an endless pipe costs at most
  // max_bytes + one chunk of memory, never the whole stream (issue 12 item 2).
  std::FILE* f = stdin;
  if (arg != "-") {
    struct stat st;
    if (::stat(arg.c_str(), &st) != 0) {
      Complain("io_error", arg, std::string("cannot read file: ") + std::strerror(errno));
      return std::nullopt;
    }
    if (S_ISDIR(st.st_mode)) {
      Complain("invalid_value", arg, "is a directory, not a file");
      return std::nullopt;
    }
    // A regular file's size is known before reading; pipes and devices are capped while reading.
    if (S_ISREG(st.st_mode) && static_cast<int64_t>(st.st_size) > max_bytes) {
      Complain("too_large", arg, TooLarge(max_bytes));
      return std::nullopt;
    }
    f = std::fopen(arg.c_str(), "rb");
    if (f == nullptr) {
      Complain("io_error", arg, std::string("cannot read file: ") + std::strerror(errno));
      return std::nullopt;
    }
  }
  std::string out;
  char buf[1 << 16];
  bool failed = false;
  while (true) {
    const size_t n = std::fread(buf, 1, sizeof buf, f);
    const int64_t room = max_bytes + 1 - static_cast<int64_t>(out.size());
    out.append(buf, std::min<int64_t>(static_cast<int64_t>(n), room));
    if (static_cast<int64_t>(out.size()) > max_bytes) break;
    if (n < sizeof buf) {
      failed = std::ferror(f) != 0;
      break;
    }
  }
  if (f != stdin) (void)std::fclose(f);  // read-only: nothing to lose on close
  if (static_cast<int64_t>(out.size()) > max_bytes) {
    Complain("too_large", arg == "-" ? "stdin" : arg, TooLarge(max_bytes));
    return std::nullopt;
  }
  if (failed) {
    Complain("io_error", arg == "-" ? "stdin" : arg, "read failed");
    return std::nullopt;
  }
  return out;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, static_cast<size_t>(size_));
}

MappedFile::MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) {
  o.data_ = nullptr;
  o.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  std::swap(data_, o.data_);
  std::swap(size_, o.size_);
  return *this;
}

std::optional<MappedFile> MappedFile::Open(const std::string& path, const std::string& flag,
                                           int64_t max_bytes) {
  const std::string where = flag + " " + path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Complain("io_error", where, std::string("cannot open: ") + std::strerror(errno));
    return std::nullopt;
  }
  struct stat st;
  std::optional<MappedFile> out;
  if (::fstat(fd, &st) != 0) {
    Complain("io_error", where, std::string("cannot stat: ") + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    Complain("invalid_value", where,
             S_ISDIR(st.st_mode) ? "is a directory, not a file" : "is not a regular file");
  } else if (st.st_size == 0) {
    Complain("invalid_value", where, "is empty");
  } else if (static_cast<int64_t>(st.st_size) > max_bytes) {
    Complain(
        "too_large", where,
        std::to_string(st.st_size) + " bytes exceeds the limit of " + std::to_string(max_bytes));
  } else {
    void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      Complain("io_error", where, std::string("cannot map: ") + std::strerror(errno));
    } else {
      out.emplace();
      out->data_ = p;
      out->size_ = static_cast<int64_t>(st.st_size);
    }
  }
  ::close(fd);
  return out;
}

std::vector<std::string> PresetIds(const std::string& kind) {
  std::vector<std::string> out;
  Result<io::Json> j = io::ParseJson(api::ListPresets());
  if (!j.ok() || !j->contains(kind)) return out;
  for (const io::Json& p : (*j)[kind]) out.push_back(p["id"].get<std::string>());
  return out;
}

bool IsPreset(const std::string& kind, const std::string& id) {
  for (const std::string& p : PresetIds(kind)) {
    if (p == id) return true;
  }
  return false;
}

std::string PresetList(const std::string& kind) {
  std::string out;
  for (const std::string& id : PresetIds(kind)) out += (out.empty() ? "" : ", ") + id;
  return out;
}

std::optional<Format> TakeFormat(Args& args, const std::vector<Format>& allowed) {
  Format f = Format::kJson;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string v;
    const auto at = args.begin() + static_cast<std::ptrdiff_t>(i);
    if (args[i] == "--format" && i + 1 < args.size()) {
      v = args[i + 1];
      args.erase(at, at + 2);
    } else if (args[i].rfind("--format=", 0) == 0) {
      v = args[i].substr(9);
      args.erase(at);
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
      std::cerr << "esti: invalid_value at --format: \"" << TerminalSafe(v)
                << "\" is not json, table or csv\n";
      return std::nullopt;
    }
    if (std::find(allowed.begin(), allowed.end(), f) == allowed.end()) {
      std::cerr << "esti: invalid_value at --format: \"" << TerminalSafe(v)
                << "\" is not supported here\n";
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
    std::cerr << "esti: " << TerminalSafe(e.value("code", "error")) << " at "
              << TerminalSafe(path.empty() ? "/" : path) << ": "
              << TerminalSafe(e.value("message", "")) << "\n";
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
    Complain(parsed.error().code, arg, parsed.error().message);
    return std::nullopt;
  }
  return parsed.value();
}

void PrintTable(const std::vector<std::string>& raw_header,
                const std::vector<std::vector<std::string>>& raw_rows) {
  // Cells may hold input (model names, ids): escaped before measuring widths.
  std::vector<std::string> header;
  for (const std::string& c : raw_header) header.push_back(TerminalSafe(c));
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : raw_rows) {
    rows.emplace_back();
    for (const std::string& c : r) rows.back().push_back(TerminalSafe(c));
  }
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
  (void)std::snprintf(buf, sizeof buf, "%.*g %s%s", digits, v, prefixes[p], unit.c_str());
  return buf;
}

std::string Seconds(double s) {
  char buf[64];
  if (s >= 1)
    (void)std::snprintf(buf, sizeof buf, "%.4g s", s);
  else if (s >= 1e-3)
    (void)std::snprintf(buf, sizeof buf, "%.4g ms", s * 1e3);
  else
    (void)std::snprintf(buf, sizeof buf, "%.4g us", s * 1e6);
  return buf;
}

std::string Percent(double fraction) {
  char buf[32];
  (void)std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100);
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
