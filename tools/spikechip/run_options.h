// The run verb's options, declared once: `spikechip run` parses them, and `spikechip sweep`
// checks a spec's `options:` against the same table (sweep_run_options.cpp).
#pragma once
#include <boost/program_options.hpp>
#include <optional>
#include <string>

#include "inputs.h"
#include "model_options.h"
#include "probe.h"

namespace cli {

struct RunArgs {
  ModelOptions m;
  InputOptions in;
  ProbeOptions probe;
  std::string model, out;
  bool check_golden = false, deterministic = false, quiet = false;
  std::optional<uint32_t> threads;  // --threads (unset: the machine's cores)
};

void add_run_options(boost::program_options::options_description& opts, RunArgs& a);

}  // namespace cli
