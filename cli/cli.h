// Shared pieces of the `esti` subcommands. Every subcommand goes through esti::api.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "esti/io/json_input.h"

namespace esti::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the tool failed (cannot read a file, internal error)
inline constexpr int kExitBadInput =
    2;  // the input was rejected: one line on stderr names the field

using Args = std::vector<std::string>;

enum class Format { kJson, kTable, kCsv };

// Reads FILE, or stdin for "-". Returns nullopt and prints an error when unreadable.
std::optional<std::string> ReadInput(const std::string& arg);

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
