// Shared pieces of the `esti` subcommands. Every subcommand goes through esti::api.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "esti/io/json_input.h"

namespace esti::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the tool failed (cannot read a file, internal error)
inline constexpr int kExitBadInput =
    2;  // the input was rejected: one line on stderr names the field
inline constexpr int kExitInterrupted = 130;  // SIGINT: stopped cleanly, partial output printed

using Args = std::vector<std::string>;

enum class Format { kJson, kTable, kCsv };

// Input limits, enforced while reading (issue 12 item 2; listed in README and SECURITY.md).
// A scenario, model or calibration document: the io parse limit, io::ParseLimits::max_bytes.
inline constexpr int64_t kMaxJsonInputBytes = int64_t{1} << 20;
// A --checkpoint file: fp32 weights of the largest model the decoder accepts (its int8 weights
// fill decoder::kMaxDecoderBytes), plus the safetensors prefix and header limit. The file is
// mapped, never copied.
inline constexpr int64_t kMaxCheckpointBytes = 4 * (int64_t{1536} << 20) + 8 + (int64_t{16} << 20);

// Reads FILE, or stdin for "-", stopping as soon as more than `max_bytes` arrived: a device or an
// endless pipe (/dev/zero) is refused with too_large without being read whole. Returns nullopt
// after printing "esti: <code> at FILE: ..." (io_error, too_large, invalid_value for a directory).
std::optional<std::string> ReadInput(const std::string& arg,
                                     int64_t max_bytes = kMaxJsonInputBytes);

// A read-only memory map of a regular, non-empty file of at most `max_bytes`. Open prints
// "esti: <code> at <flag> <path>: ..." and returns nullopt otherwise (a directory, a device, a
// FIFO, an empty file: invalid_value; over the cap: too_large).
class MappedFile {
 public:
  static std::optional<MappedFile> Open(const std::string& path, const std::string& flag,
                                        int64_t max_bytes);
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile& operator=(MappedFile&& o) noexcept;
  ~MappedFile();
  std::string_view bytes() const {
    return {static_cast<const char*>(data_), static_cast<size_t>(size_)};
  }

 private:
  void* data_ = nullptr;
  int64_t size_ = 0;
};

// Replaces control characters (C0, DEL, and the C1 range written as UTF-8) with visible escapes
// ("\x1b"), so input echoed in an error or a table cannot drive the terminal (issue 12 item 7).
// Printable text, including other UTF-8, is unchanged. JSON output is printed exactly instead.
std::string TerminalSafe(std::string_view text);

// The built-in preset ids of a kind ("models", "hardware", "scenarios", "calibration"), as
// api::ListPresets lists them; and whether `id` is one of them.
std::vector<std::string> PresetIds(const std::string& kind);
bool IsPreset(const std::string& kind, const std::string& id);
// "a, b, c": the ids, for an error that lists what exists.
std::string PresetList(const std::string& kind);

// Pulls `--format X` out of args; fails (prints, returns nullopt) on an unsupported value.
std::optional<Format> TakeFormat(Args& args, const std::vector<Format>& allowed);

// Prints an api response: on error one line "esti: <code> at <path>: <message>" on stderr and
// returns kExitBadInput (kExitFailure for internal errors); on success returns the parsed JSON.
std::optional<io::Json> CheckResponse(const std::string& response, int* exit_code);

// CheckResponse, then prints the response verbatim when `format` is JSON. Returns the parsed
// response only when the caller still has to print it as a table or CSV; otherwise nullopt with
// *exit_code set (0 after printing JSON).
std::optional<io::Json> EmitResponse(const std::string& response, Format format, int* exit_code);

// Reads FILE (or stdin for "-") as JSON; prints "esti: <code> at FILE: ..." and returns nullopt
// when it cannot be read or parsed.
std::optional<io::Json> ReadJsonArg(const std::string& arg);

// Fixed-width table: header row then rows.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);
void PrintCsv(const std::vector<std::string>& header,
              const std::vector<std::vector<std::string>>& rows);

// Human formatting at the edge only: 1.23e9 -> "1.23 G", seconds -> "28.5 ms".
std::string Si(double v, const std::string& unit, int digits = 4);
std::string Seconds(double s);
std::string Percent(double fraction);
// A calibrated latency with its error band: "30.2 ms, 27.1-34 ms" (`key` is "latency_s" or
// "latency_per_token_s" of a result that may carry "latency_band").
std::string LatencyWithBand(const io::Json& result, const std::string& key);
// Prints each distinct "calibration_warnings" entry of `results` once, as "warning: ...".
void PrintCalibrationWarnings(const std::vector<const io::Json*>& results);

int RunPresets(Args args);
int RunSchema(Args args);
int RunModel(Args args);
int RunEvaluate(Args args);
int RunDecode(Args args);
int RunLink(Args args);
int RunCalibrate(Args args);
int RunReproduce(Args args);
int RunSearch(Args args);
int RunFrontier(Args args);
void PrintEvaluationTable(const io::Json& result);

}  // namespace esti::cli
