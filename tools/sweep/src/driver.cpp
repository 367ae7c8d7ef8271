#include "sweep/driver.h"

#include <sched.h>
#include <unistd.h>

#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "isa/error.h"
#include "sweep/engine.h"
#include "sweep/local.h"
#include "sweep/progress.h"
#include "sweep/results.h"
#include "sweep/shard.h"

namespace sweep {

namespace fs = std::filesystem;

Plan load_plan(const SweepArgs& args, const RunOptionRules& rules, const std::string& version) {
  return make_plan(parse_spec(args.spec, rules), rules, version, args.deterministic);
}

void prepare(const Plan& plan, Store& store) {
  write_atomically(store.dir() / "sweep.yaml", plan.resolved_yaml);
  store.clean_stale();
}

int finish_sweep(const Plan& plan, const Store& store, const std::vector<size_t>& mine,
                 const std::string& counters_line) {
  const std::vector<Row> rows = collect_rows(plan, store, mine);
  write_atomically(store.dir() / "results.csv", results_csv(plan, rows));
  write_atomically(store.dir() / "results.json", results_json(plan, rows));
  size_t ok = 0, missing = 0;
  for (const auto& r : rows) {
    ok += r.status == "ok";
    missing += r.status == "missing";
  }
  const size_t failed = rows.size() - ok - missing;
  fmt::print(stderr, "{}: {} points: {} ok, {} failed, {} missing{}\nresults: {}\n", plan.spec.name,
             rows.size(), ok, failed, missing, counters_line.empty() ? "" : "; " + counters_line,
             (store.dir() / "results.csv").string());
  fmt::print("{}", pareto_table(plan, rows));
  std::fflush(stdout);
  if (missing) return kExitIncomplete;
  return failed ? kExitPointsFailed : 0;
}

namespace {

// The CPUs this process may run on (its affinity: a Slurm allocation, taskset, a container),
// else the machine's hardware threads.
size_t default_jobs() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<size_t>(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

int dry_run(const Plan& plan, const std::vector<size_t>& mine) {
  fmt::print("{}", plan.resolved_yaml);
  fmt::print("# {} points ({} here), {} compile configurations\n", plan.points.size(), mine.size(),
             plan.compiles.size());
  for (size_t k : mine) {
    const auto& p = plan.points[k];
    fmt::print("{:>5} {} {} {}\n", k, p.id, p.compile_key.empty() ? "nir" : p.compile_key, p.label);
  }
  return 0;
}

int merge(const SweepArgs& args, const Plan& plan) {
  Store store(args.out);
  if (!store.lock())
    throw isa::InputError(fmt::format("{}: another sweep is using this folder", args.out));
  for (const auto& m : args.merge)
    if (std::error_code ec; !fs::is_directory(fs::path(m) / "points", ec))
      throw isa::InputError(fmt::format("--merge {}: not a sweep folder (no points/)", m));
  prepare(plan, store);
  // Per point: an ok result from any folder beats a failed one; what DIR has already stays
  // unless it failed and a shard has it ok.
  std::vector<std::unique_ptr<Store>> others;  // Store is not movable (it may hold a lock)
  for (const auto& m : args.merge)
    if (!fs::equivalent(fs::path(m), store.dir())) others.push_back(std::make_unique<Store>(m));
  size_t imported = 0;
  for (const auto& p : plan.points) {
    const auto mine = store.status(p.id);
    if (mine && mine->ok) continue;
    const Store* best = nullptr;
    for (const auto& o : others) {
      const auto st = o->status(p.id);
      if (!st) continue;
      if (st->ok) {
        best = o.get();
        break;
      }
      if (!best && !mine) best = o.get();
    }
    if (!best) continue;
    store.import_point(best->point_dir(p.id), p.id);
    ++imported;
  }
  std::vector<size_t> all(plan.points.size());
  for (size_t k = 0; k < all.size(); ++k) all[k] = k;
  // Shards that hold points, none of them this spec's: most likely run with other options.
  size_t foreign = 0;
  for (const auto& o : others) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(o->dir() / "points", ec))
      foreign += e.path().filename().string().rfind(".tmp-", 0) != 0;
  }
  size_t lacking = 0;
  for (const auto& p : plan.points) lacking += !store.status(p.id);
  if (imported == 0 && lacking > 0 && foreign > 0)
    fmt::print(stderr,
               "spikechip sweep: note: the shard folders hold {} points but none of this sweep's: "
               "were they run with another spec, --deterministic setting or spikechip version?\n",
               foreign);
  return finish_sweep(plan, store, all, fmt::format("{} points merged in", imported));
}

}  // namespace

int run_sweep(const SweepArgs& args, const RunOptionRules& rules, const std::string& version) {
  const Plan plan = load_plan(args, rules, version);
  const auto shard = args.merge.empty() ? shard_from(args.shard) : std::nullopt;
  const std::vector<size_t> mine = shard_points(plan.points.size(), shard);
  if (args.dry_run) return dry_run(plan, mine);
  if (!args.merge.empty()) return merge(args, plan);

  Store store(args.out);
  if (!store.lock())
    throw isa::InputError(fmt::format(
        "{}: another sweep is running in this folder (give each shard its own --out)", args.out));
  prepare(plan, store);
  Engine engine(plan, store, rules, args.retry_failed);
  const auto compiles = engine.compile_tasks(mine);
  const auto points = engine.point_tasks(mine);
  size_t jobs = args.jobs ? args.jobs : default_jobs();
  fmt::print(stderr, "{}: {} points{}, {} to run ({} done before), {} images to compile, -j {}\n",
             plan.spec.name, plan.points.size(),
             shard ? fmt::format(" (shard {}/{} from {}: {})", shard->index, shard->count,
                                 shard->source, mine.size())
                   : "",
             points.size(), mine.size() - points.size(), compiles.size(), jobs);
  Progress progress(points.size(), isatty(2) == 1);
  run_local(engine, compiles, jobs, progress);
  run_local(engine, points, jobs, progress);
  progress.finish();
  const Counters& c = engine.counters();
  const size_t hits = c.from_image > c.compiled ? c.from_image - c.compiled : 0;
  return finish_sweep(
      plan, store, mine,
      fmt::format(
          "compiled {} images ({} failed), {} runs from a cached image ({} cache hits){}",
          c.compiled, c.compile_failed, c.from_image, hits,
          c.interrupted ? fmt::format(", {} stopped (rerun to finish)", c.interrupted) : ""));
}

}  // namespace sweep
