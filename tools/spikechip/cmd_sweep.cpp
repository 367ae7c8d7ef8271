// spikechip sweep SPEC.yaml --out DIR [-j N] [--shard I/N] [--merge DIR...] [--mpi]
//                 [--retry-failed] [--deterministic] [--dry-run]      (docs/sweeps.md)
#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <iostream>

#include "cli.h"
#include "isa/error.h"
#include "sweep/driver.h"
#include "sweep_run_options.h"
#ifdef SPIKECHIP_HAVE_MPI
#include "sweep/mpi.h"
#endif

namespace {

namespace po = boost::program_options;

int run_sweep(const std::vector<std::string>& args) {
  po::options_description opts("spikechip sweep SPEC.yaml --out DIR [options]");
  sweep::SweepArgs a;
  opts.add_options()("help,h", "show this help")("spec", po::value<std::string>(&a.spec),
                                                 "the sweep spec (YAML)")(
      "out", po::value<std::string>(&a.out), "the sweep folder (resumable: rerun to finish)")(
      "jobs,j", po::value<size_t>(&a.jobs),
      "points run at once as child processes (default: the CPUs this process may use)")(
      "shard", po::value<std::string>(&a.shard),
      "run only shard I of N (I/N, I from 0; default: SLURM_ARRAY_TASK_ID/_COUNT when set)")(
      "merge", po::value<std::vector<std::string>>(&a.merge)->multitoken(),
      "merge these shard folders into --out (runs nothing)")(
      "mpi", po::bool_switch(&a.mpi),
      "under mpirun: rank 0 hands points to the other ranks as they finish")(
      "retry-failed", po::bool_switch(&a.retry_failed), "run failed points again")(
      "deterministic", po::bool_switch(&a.deterministic),
      "runs leave wall-clock figures out (byte-identical results.csv)")(
      "dry-run", po::bool_switch(&a.dry_run),
      "check the spec and list the points (id, compile key, values); run nothing");
  po::positional_options_description pos;
  pos.add("spec", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\nexit codes: 0 every point ok, 2 bad spec or arguments, "
              << sweep::kExitPointsFailed << " some points failed, " << sweep::kExitIncomplete
              << " some points missing (stopped; rerun), 1 internal error\n";
    return cli::kExitOk;
  }
  po::notify(vm);
  if (a.spec.empty()) throw isa::InputError("missing the sweep spec (spikechip sweep SPEC.yaml)");
  if (a.out.empty() && !a.dry_run) throw isa::InputError("missing --out DIR");
  if (vm.count("jobs") && a.jobs == 0) throw isa::InputError("-j 0: expected at least 1");
  if (a.mpi && (!a.merge.empty() || !a.shard.empty()))
    throw isa::InputError("--mpi runs the whole sweep: it takes no --shard or --merge");
  const auto& rules = cli::sweep_run_option_rules();
  if (a.mpi) {
#ifdef SPIKECHIP_HAVE_MPI
    return sweep::run_sweep_mpi(a, rules, SPIKECHIP_VERSION);
#else
    throw isa::InputError("--mpi: this spikechip was built without MPI (install libopenmpi-dev)");
#endif
  }
  return sweep::run_sweep(a, rules, SPIKECHIP_VERSION);
}

const bool registered = cli::register_verb(
    {"sweep", "run a design-space sweep (spec YAML): results.csv and the Pareto front",
     &run_sweep});

}  // namespace
