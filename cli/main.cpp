// esti: the command-line front end. Each subcommand lives in its own cmd_*.cpp.
#include <cstring>
#include <iostream>

#include "cli.h"
#include "esti/api.h"

namespace {

struct Command {
  const char* name;
  const char* usage;
  int (*run)(esti::cli::Args);
};

const Command kCommands[] = {
    {"presets", "esti presets [--format table|json]", esti::cli::RunPresets},
    {"schema", "esti schema [--format json|table]", esti::cli::RunSchema},
    {"model",
     "esti model <preset-id|FILE|-> [--format table|json]\n"
     "  esti model --from-hf config.json [--id ID] [--name NAME] [--format table|json]",
     esti::cli::RunModel},
    {"evaluate", "esti evaluate <FILE|-> [--format json|table]", esti::cli::RunEvaluate},
    {"decode",
     "esti decode --model <preset|FILE> --prompt 1,2,3 --tokens N [--weights int8|fp32] [--seed S] "
     "[--batch B] [--temperature T] [--top-k K] [--top-p P] [--checkpoint F] [--mesh XxYxZ "
     "--ffn-layout L --attention-sharding heads|batch [--transport local|mpi]] [--format "
     "json|table]",
     esti::cli::RunDecode},
    {"link", "esti link --mesh XxYxZ [--transport local|mpi] [--repeats N] [--format json|table]",
     esti::cli::RunLink},
    {"search", "esti search <FILE|-> [--format json|table|csv]", esti::cli::RunSearch},
    {"frontier", "esti frontier <FILE|-> [--format json|table|csv]", esti::cli::RunFrontier},
    {"calibrate",
     "esti calibrate [DATA...] [--check] [--cross-validate[=model|group] | --no-cross-validate] "
     "[--fit-all] [--format table|json]",
     esti::cli::RunCalibrate},
    {"reproduce", "esti reproduce [--format table|csv|json]", esti::cli::RunReproduce},
};

int Usage(std::ostream& out, int code) {
  out << "esti " << esti::api::EngineVersion()
      << ": inference cost calculator for transformer models on TPU-style tori\nusage:\n";
  for (const Command& c : kCommands) out << "  " << c.usage << "\n";
  out << "exit codes: 0 ok, 1 failure, 2 input rejected (one line on stderr names the field)\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage(std::cerr, esti::cli::kExitBadInput);
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") return Usage(std::cout, 0);
  if (name == "--version") {
    std::cout << esti::api::EngineVersion() << "\n";
    return 0;
  }
  for (const Command& c : kCommands) {
    if (name == c.name) return c.run(esti::cli::Args(argv + 2, argv + argc));
  }
  std::cerr << "esti: invalid_value at command: unknown command \"" << esti::cli::TerminalSafe(name)
            << "\"\n";
  return Usage(std::cerr, esti::cli::kExitBadInput);
}
