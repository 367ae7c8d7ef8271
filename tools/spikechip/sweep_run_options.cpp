#include "sweep_run_options.h"

#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <map>

#include "isa/error.h"
#include "run_options.h"
#include "workloads/error.h"

namespace cli {

namespace po = boost::program_options;

namespace {

// Options the sweep gives every run itself, and where a spec sets them instead.
const std::map<std::string, std::string>& reserved() {
  static const std::map<std::string, std::string> r = {
      {"model", "base.model"},
      {"input", "base.input"},
      {"labels", "base.labels"},
      {"arch", "base.arch"},
      {"set", "base.set, or an arch key as an axis"},
      {"out", "the sweep's --out (each point has its own folder)"},
      {"deterministic", "the sweep's --deterministic"},
      {"compiled-for", "the sweep (it compiles once per configuration)"},
      {"threads", "the sweep's -j (each point runs in one process)"},
      {"quiet", "the sweep (points never draw progress)"},
      {"help", "nothing"}};
  return r;
}

std::string check(const std::string& name, const std::string& value) {
  if (const auto it = reserved().find(name); it != reserved().end())
    return fmt::format("set by the sweep, not in options (use {})", it->second);
  RunArgs a;
  po::options_description opts;
  add_run_options(opts, a);
  const po::option_description* d = opts.find_nothrow(name, false);
  if (!d) return "not an option of spikechip run (see spikechip run --help)";
  std::vector<std::string> argv = {"--model", "m", "--out", "o", "--input", "i"};
  if (d->semantic()->max_tokens() == 0) {
    if (value != "true" && value != "false") return "a switch: expected true or false";
    if (value == "true") argv.push_back("--" + name);
  } else {
    argv.push_back("--" + name);
    argv.push_back(value);
  }
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argv).options(opts).run(), vm);
    po::notify(vm);
    finish_model_options(a.m);
    if (a.in.bin_mode != "time" && a.in.bin_mode != "count") return "expected time or count";
  } catch (const po::error& e) {
    return e.what();
  } catch (const isa::InputError& e) {
    return e.what();
  } catch (const workloads::InputError& e) {
    return e.what();
  }
  return "";
}

bool is_switch(const std::string& name) {
  RunArgs a;
  po::options_description opts;
  add_run_options(opts, a);
  const po::option_description* d = opts.find_nothrow(name, false);
  return d && d->semantic()->max_tokens() == 0;
}

bool affects_compile(const std::string& name) {
  if (name == "arch" || name == "set" || name == "compiled-for") return false;
  if (name == "input" || name == "labels") return false;
  ModelOptions m;
  InputOptions in;  // compile reads the inputs (binned as run bins them) for the fixed point
  po::options_description opts;
  add_model_options(opts, m);  // what `spikechip compile` takes
  add_input_options(opts, in, false);
  return opts.find_nothrow(name, false) != nullptr;
}

}  // namespace

const sweep::RunOptionRules& sweep_run_option_rules() {
  static const sweep::RunOptionRules rules{check, is_switch, affects_compile};
  return rules;
}

}  // namespace cli
