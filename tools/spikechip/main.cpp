#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <boost/program_options/errors.hpp>

#include "cli.h"
#include "isa/error.h"
#include "isa/memory_budget.h"
#include "workloads/error.h"

namespace cli {

static std::vector<Verb>& registry() {
  static std::vector<Verb> v;
  return v;
}
bool register_verb(const Verb& verb) {
  registry().push_back(verb);
  return true;
}
const std::vector<Verb>& verbs() {
  return registry();
}

}  // namespace cli

static void print_help() {
  fmt::print(
      "spikechip {} - cycle-level neuromorphic chip simulator\n\n"
      "usage: spikechip VERB [options]   (spikechip VERB --help for a verb's options)\n\nverbs:\n",
      SPIKECHIP_VERSION);
  std::vector<cli::Verb> sorted = cli::verbs();
  std::sort(sorted.begin(), sorted.end(),
            [](const cli::Verb& a, const cli::Verb& b) { return std::string(a.name) < b.name; });
  for (const auto& v : sorted) fmt::print("  {:<9} {}\n", v.name, v.summary);
  fmt::print(
      "\nevery verb: --memory-budget SIZE (e.g. 8GiB; default {}, or SPIKECHIP_MEMORY_BUDGET):\n"
      "  inputs that would need more memory are refused before it is allocated\n",
      isa::format_bytes(isa::kDefaultMemoryBudget));
  fmt::print("\nexit codes: 0 success, 2 bad input, 3 golden mismatch, 1 internal error\n");
}

// --memory-budget SIZE (or =SIZE), taken out of `args` for every verb: the one memory budget
// (isa/memory_budget.h) that every reader checks.
static void take_memory_budget(std::vector<std::string>& args) {
  constexpr std::string_view kOption = "--memory-budget";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind(kOption, 0) != 0) continue;
    std::string value;
    if (args[i] == kOption) {
      if (i + 1 == args.size())
        throw isa::InputError("--memory-budget: expected a size, e.g. 8GiB");
      value = args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    } else if (args[i][kOption.size()] == '=') {
      value = args[i].substr(kOption.size() + 1);
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      continue;
    }
    isa::set_memory_budget(isa::parse_bytes(value, kOption));
    setenv("SPIKECHIP_MEMORY_BUDGET", value.c_str(), 1);  // for run's worker processes
    --i;
  }
}

int main(int argc, char** argv) {
  // Keep SystemC's banner off stdout, before any elaboration (DESIGN.md §11).
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    print_help();
    return argc < 2 ? cli::kExitBadInput : cli::kExitOk;
  }
  if (std::string(argv[1]) == "--version") {
    fmt::print("spikechip {}\n", SPIKECHIP_VERSION);
    return cli::kExitOk;
  }
  const std::string verb = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  for (const auto& v : cli::verbs()) {
    if (verb != v.name) continue;
    try {
      take_memory_budget(args);
      isa::memory_budget();  // a malformed SPIKECHIP_MEMORY_BUDGET is refused here, by name
      return v.run(args);
    } catch (const isa::InputError& e) {
      fmt::print(stderr, "spikechip {}: error: {}\n", verb, e.what());
      return cli::kExitBadInput;
    } catch (const workloads::InputError& e) {
      fmt::print(stderr, "spikechip {}: error: {}\n", verb, e.what());
      return cli::kExitBadInput;
    } catch (const boost::program_options::error& e) {
      fmt::print(stderr, "spikechip {}: error: {} (see spikechip {} --help)\n", verb, e.what(),
                 verb);
      return cli::kExitBadInput;
    } catch (const std::exception& e) {
      fmt::print(stderr, "spikechip {}: internal error: {}\n", verb, e.what());
      return cli::kExitInternal;
    }
  }
  fmt::print(stderr, "spikechip: unknown verb '{}' (see spikechip --help)\n", verb);
  return cli::kExitBadInput;
}
