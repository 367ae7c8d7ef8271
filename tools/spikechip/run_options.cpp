#include "run_options.h"

namespace cli {

namespace po = boost::program_options;

void add_run_options(po::options_description& opts, RunArgs& a) {
  opts.add_options()("help,h", "show this help")("model",
                                                 po::value<std::string>(&a.model)->required(),
                                                 "NIR model (.nir) or program image (.scb)")(
      "out", po::value<std::string>(&a.out)->required(), "output folder")(
      "check-golden", po::bool_switch(&a.check_golden),
      "run the golden executor too; exit 3 at the first divergence")(
      "deterministic", po::bool_switch(&a.deterministic),
      "leave wall-clock figures out of the report (byte-identical reruns)")(
      "quiet,q", po::bool_switch(&a.quiet), "no progress line on a terminal")(
      "threads,j", po::value<uint32_t>()->notifier([&a](uint32_t n) { a.threads = n; }),
      "worker processes, each running a shard of the samples (default: the machine's cores); "
      "the report is the same for any number");
  add_model_options(opts, a.m);
  add_input_options(opts, a.in);
  add_probe_options(opts, a.probe);
}

}  // namespace cli
