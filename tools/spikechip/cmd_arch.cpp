// `spikechip arch [FILE|PRESET] [--set k=v ...] [--ert]`: the resolved chip as canonical YAML
// with its derived figures, or its energy table in Accelergy's ERT layout.
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <boost/program_options.hpp>

#include "arch/derived.h"
#include "arch/energy.h"
#include "arch/loader.h"
#include "cli.h"

namespace po = boost::program_options;

namespace {

int run_arch(const std::vector<std::string>& args) {
  po::options_description visible("spikechip arch [FILE|PRESET] [options]");
  visible.add_options()("help,h", "show this help")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a key: --set core.neurons=512 (repeatable)")(
      "ert", "print the energy table in Accelergy's ERT layout instead")(
      "keys-md", "print the table of arch keys (docs/arch.md) and exit");
  po::options_description hidden;
  hidden.add_options()("arch", po::value<std::vector<std::string>>(), "file or preset");
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description pos;
  pos.add("arch", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);

  if (vm.count("help")) {
    std::ostringstream help;
    help << visible;
    fmt::print("{}\nFILE is a YAML arch file; PRESET one of: ", help.str());
    for (const auto& p : arch::preset_names()) fmt::print("{} ", p);
    fmt::print("\nWithout either, the embedded default.\n");
    return cli::kExitOk;
  }
  if (vm.count("keys-md")) {
    fmt::print("{}", arch::arch_keys_markdown());
    return cli::kExitOk;
  }
  std::string arch_name;
  if (vm.count("arch")) {
    const auto& names = vm["arch"].as<std::vector<std::string>>();
    if (names.size() > 1)
      throw po::error("expected at most one FILE or PRESET, got " + std::to_string(names.size()));
    arch_name = names.front();
  }
  const std::vector<std::string> sets =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const arch::ResolvedArch r = arch::load_arch(arch_name, sets);
  if (vm.count("ert")) {
    fmt::print("{}", arch::accelergy_ert(r.config));
    return cli::kExitOk;
  }
  fmt::print("# source: {}\n# hash: {:016x}\n{}{}", r.source, r.hash, r.canonical_yaml,
             arch::derived_yaml(arch::derive(r.config)));
  return cli::kExitOk;
}

const bool registered = cli::register_verb(
    {"arch", "print a resolved chip configuration, derived figures or energy table", &run_arch});

}  // namespace
