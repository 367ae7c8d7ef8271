// The work of one sweep process: which compiles and point runs are still to do, starting each
// as a child process and recording what it gave. The local pool (local.h) and the MPI ranks
// (mpi.h) both drive it; neither knows what a task does.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "sweep/plan.h"
#include "sweep/store.h"

namespace sweep {

struct Task {
  enum class Kind { compile, point } kind = Kind::point;
  size_t index = 0;  // into plan.compiles or plan.points
};

// A started task: pid 0 when it finished at once (a point whose image failed to compile).
struct Started {
  pid_t pid = 0;
  std::filesystem::path temp;  // the point's folder under construction
  std::chrono::steady_clock::time_point t0;
};

enum class Outcome { ok, failed, interrupted };

struct Counters {
  size_t compiled = 0, compile_failed = 0;
  size_t from_image = 0;  // point runs from a cached image (cache hits = from_image - compiled)
  size_t ok = 0, failed = 0, interrupted = 0;
};

class Engine {
 public:
  Engine(const Plan& plan, Store& store, const RunOptionRules& rules, bool retry_failed);

  // Phase 1: compiles whose image is not in the cache, for the points to do; phase 2: the points
  // of `mine` (grid indices) without a status (or failed, with retry_failed).
  std::vector<Task> compile_tasks(const std::vector<size_t>& mine) const;
  std::vector<Task> point_tasks(const std::vector<size_t>& mine) const;

  Started start(const Task& t);
  // Records a finished task (`wait_status` from waitpid; ignored when started.pid == 0).
  Outcome finish(const Task& t, const Started& s, int wait_status);

  // "mesh.x=2 core.n_pe=4" or "compile 1/3"
  std::string label(const Task& t) const;
  const std::string& id(const Task& t) const;  // the point's id or the compile's key
  const std::string& last_error() const { return last_error_; }
  const Counters& counters() const { return counters_; }
  Counters& counters() { return counters_; }

 private:
  std::string relative(const std::filesystem::path& p) const;  // to the sweep folder
  const Plan& plan_;
  Store& store_;
  const RunOptionRules& rules_;
  bool retry_failed_;
  std::set<std::string> interrupted_compiles_;
  Counters counters_;
  std::string last_error_;
};

// The first line of an error in a child's log: the first line that is not a warning, without
// the "spikechip VERB: error: " prefix.
std::string first_error_line(const std::string& log_text);

}  // namespace sweep
