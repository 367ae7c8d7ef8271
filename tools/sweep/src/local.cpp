#include "sweep/local.h"

#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>

namespace sweep {

void report(const Engine& engine, const Task& t, Outcome o, double seconds, Progress& progress) {
  const char* name = o == Outcome::ok ? "ok" : o == Outcome::failed ? "failed" : "interrupted";
  if (t.kind == Task::Kind::compile)
    progress.compiled(engine.label(t), o == Outcome::ok, engine.last_error(), seconds);
  else
    progress.point(engine.id(t), engine.label(t), name, o == Outcome::ok ? "" : engine.last_error(),
                   seconds);
}

void run_local(Engine& engine, const std::vector<Task>& tasks, size_t jobs, Progress& progress) {
  std::map<pid_t, std::pair<Task, Started>> running;
  size_t next = 0;
  const auto elapsed = [](const Started& s) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - s.t0).count();
  };
  while (next < tasks.size() || !running.empty()) {
    while (next < tasks.size() && running.size() < jobs) {
      const Task t = tasks[next++];
      const Started s = engine.start(t);
      if (s.pid == 0) {
        report(engine, t, engine.finish(t, s, 0), 0.0, progress);
        continue;
      }
      running.emplace(s.pid, std::make_pair(t, s));
    }
    if (running.empty()) continue;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("waitpid failed");
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const auto [t, s] = it->second;
    running.erase(it);
    const Outcome o = engine.finish(t, s, status);
    report(engine, t, o, elapsed(s), progress);
  }
}

}  // namespace sweep
