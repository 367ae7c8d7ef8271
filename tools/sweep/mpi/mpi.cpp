#include "sweep/mpi.h"

#include <mpi.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cerrno>
#include <chrono>
#include <deque>
#include <exception>
#include <optional>
#include <set>
#include <vector>

#include "isa/error.h"
#include "sweep/engine.h"
#include "sweep/local.h"
#include "sweep/progress.h"

namespace sweep {

namespace {

// Messages: a worker sends kMsgDone {kind, index, outcome, from_image} (kind -1: nothing yet);
// rank 0 answers kMsgTask {kind, index} (kind -1: stop).
constexpr int kMsgDone = 1, kMsgTask = 2;
constexpr int kNone = -1, kCompile = 0, kPoint = 1;

struct Finalize {
  ~Finalize() { MPI_Finalize(); }
};

int worker(const Plan& plan, const SweepArgs& args, const RunOptionRules& rules) {
  Store store(args.out);
  Engine engine(plan, store, rules, args.retry_failed);
  int done[4] = {kNone, 0, 0, 0};
  while (true) {
    MPI_Send(done, 4, MPI_INT, 0, kMsgDone, MPI_COMM_WORLD);
    int task[2];
    MPI_Recv(task, 2, MPI_INT, 0, kMsgTask, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (task[0] == kNone) return 0;
    const Task t{task[0] == kCompile ? Task::Kind::compile : Task::Kind::point,
                 static_cast<size_t>(task[1])};
    const size_t before = engine.counters().from_image;
    const Started s = engine.start(t);
    int status = 0;
    if (s.pid != 0)
      while (waitpid(s.pid, &status, 0) < 0 && errno == EINTR) {
      }
    const Outcome o = engine.finish(t, s, status);
    done[0] = task[0];
    done[1] = task[1];
    done[2] = static_cast<int>(o);
    done[3] = static_cast<int>(engine.counters().from_image - before);
  }
}

int coordinator(const Plan& plan, const SweepArgs& args, const RunOptionRules& rules, int ranks,
                Store& store) {
  prepare(plan, store);
  Engine engine(plan, store, rules, args.retry_failed);
  std::vector<size_t> all(plan.points.size());
  for (size_t k = 0; k < all.size(); ++k) all[k] = k;
  std::deque<Task> compiles, points;
  for (const Task& t : engine.compile_tasks(all)) compiles.push_back(t);
  for (const Task& t : engine.point_tasks(all)) points.push_back(t);
  fmt::print(stderr, "{}: {} points, {} to run, {} images to compile, {} worker ranks (MPI)\n",
             plan.spec.name, plan.points.size(), points.size(), compiles.size(), ranks - 1);
  Progress progress(points.size(), isatty(2) == 1);
  Counters& c = engine.counters();
  std::set<std::string> stopped_compiles;  // interrupted: their points are left for a rerun
  size_t compiling = 0;
  int active = ranks - 1;
  std::vector<int> waiting;
  std::vector<std::chrono::steady_clock::time_point> started(ranks);

  const auto send = [&](int rank, int kind, size_t index) {
    int task[2] = {kind, static_cast<int>(index)};
    started[rank] = std::chrono::steady_clock::now();
    MPI_Send(task, 2, MPI_INT, rank, kMsgTask, MPI_COMM_WORLD);
  };
  // Gives `rank` its next task; false when it must wait for the compiles.
  const auto serve = [&](int rank) {
    if (!compiles.empty()) {
      send(rank, kCompile, compiles.front().index);
      compiles.pop_front();
      ++compiling;
      return true;
    }
    if (compiling > 0) return false;
    while (!points.empty() &&
           stopped_compiles.count(plan.points[points.front().index].compile_key)) {
      ++c.interrupted;  // its image's compile was stopped: left missing
      points.pop_front();
    }
    if (!points.empty()) {
      send(rank, kPoint, points.front().index);
      points.pop_front();
      return true;
    }
    send(rank, kNone, 0);
    --active;
    return true;
  };

  while (active > 0) {
    int done[4];
    MPI_Status st;
    MPI_Recv(done, 4, MPI_INT, MPI_ANY_SOURCE, kMsgDone, MPI_COMM_WORLD, &st);
    const int rank = st.MPI_SOURCE;
    if (done[0] != kNone) {
      const Task t{done[0] == kCompile ? Task::Kind::compile : Task::Kind::point,
                   static_cast<size_t>(done[1])};
      const auto o = static_cast<Outcome>(done[2]);
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started[rank]).count();
      std::string error;
      if (t.kind == Task::Kind::compile) {
        --compiling;
        const std::string& key = plan.compiles[t.index].key;
        if (o == Outcome::ok) ++c.compiled;
        if (o == Outcome::failed) ++c.compile_failed;
        if (o == Outcome::interrupted) stopped_compiles.insert(key);
        if (o == Outcome::failed) error = first_error_line(read_text(store.cache_log(key)));
        progress.compiled(engine.label(t), o == Outcome::ok, error, secs);
      } else {
        c.from_image += static_cast<size_t>(done[3]);
        const auto& p = plan.points[t.index];
        if (o == Outcome::ok) ++c.ok;
        if (o == Outcome::failed) ++c.failed;
        if (o == Outcome::interrupted) ++c.interrupted;
        if (o == Outcome::failed)
          if (const auto ps = store.status(p.id)) error = ps->error;
        progress.point(p.id, engine.label(t),
                       o == Outcome::ok       ? "ok"
                       : o == Outcome::failed ? "failed"
                                              : "interrupted",
                       o == Outcome::interrupted ? "stopped; rerun to finish" : error, secs);
      }
    }
    if (!serve(rank)) waiting.push_back(rank);
    if (compiling == 0 && compiles.empty()) {
      std::vector<int> w;
      w.swap(waiting);
      for (int r : w)
        if (!serve(r)) waiting.push_back(r);
    }
  }
  progress.finish();
  const size_t hits = c.from_image > c.compiled ? c.from_image - c.compiled : 0;
  return finish_sweep(
      plan, store, all,
      fmt::format(
          "compiled {} images ({} failed), {} runs from a cached image ({} cache hits), "
          "{} MPI worker ranks{}",
          c.compiled, c.compile_failed, c.from_image, hits, ranks - 1,
          c.interrupted ? fmt::format(", {} stopped (rerun to finish)", c.interrupted) : ""));
}

}  // namespace

int run_sweep_mpi(const SweepArgs& args, const RunOptionRules& rules, const std::string& version) {
  MPI_Init(nullptr, nullptr);
  const Finalize finalize;
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  // Every rank plans (the same spec gives the same plan); a bad spec is reported once.
  Plan plan;
  int bad = 0;
  try {
    plan = load_plan(args, rules, version);
  } catch (const isa::InputError& e) {
    if (rank == 0) fmt::print(stderr, "spikechip sweep: error: {}\n", e.what());
    bad = 2;
  }
  int worst = 0;
  MPI_Allreduce(&bad, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (worst != 0) return worst;
  if (ranks < 2) {
    if (rank == 0)
      fmt::print(stderr, "spikechip sweep: --mpi with 1 rank: running locally, -j 1\n");
    SweepArgs local = args;
    local.mpi = false;
    local.jobs = 1;
    return run_sweep(local, rules, version);
  }
  try {
    // Rank 0 makes and locks the folder before any worker writes into it.
    int ready = 0;
    std::optional<Store> store;
    if (rank == 0) {
      try {
        store.emplace(args.out);
        if (store->lock())
          ready = 1;
        else
          fmt::print(stderr,
                     "spikechip sweep: error: {}: another sweep is running in this folder\n",
                     args.out);
      } catch (const isa::InputError& e) {
        fmt::print(stderr, "spikechip sweep: error: {}\n", e.what());
      }
    }
    MPI_Bcast(&ready, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!ready) return 2;
    return rank == 0 ? coordinator(plan, args, rules, ranks, *store) : worker(plan, args, rules);
  } catch (const isa::InputError& e) {  // e.g. the folder is locked by another sweep
    fmt::print(stderr, "spikechip sweep: error: {}\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, 2);  // the other ranks may wait on this one: end them all
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "spikechip sweep: rank {}: internal error: {}\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
    return 1;
  }
}

}  // namespace sweep
