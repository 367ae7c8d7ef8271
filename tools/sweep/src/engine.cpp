#include "sweep/engine.h"

#include <fmt/core.h>

#include <set>

#include "sweep/spawn.h"

namespace sweep {

namespace fs = std::filesystem;

std::string first_error_line(const std::string& text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line.find(": warning: ") != std::string::npos) continue;
    for (const char* prefix : {"spikechip run: ", "spikechip compile: "})
      if (line.rfind(prefix, 0) == 0) line = line.substr(std::string(prefix).size());
    if (line.rfind("error: ", 0) == 0) line = line.substr(7);
    return line;
  }
  return "";
}

std::string Engine::relative(const fs::path& p) const {
  return p.lexically_relative(store_.dir()).string();
}

Engine::Engine(const Plan& plan, Store& store, const RunOptionRules& rules, bool retry_failed)
    : plan_(plan), store_(store), rules_(rules), retry_failed_(retry_failed) {}

std::vector<Task> Engine::point_tasks(const std::vector<size_t>& mine) const {
  std::vector<Task> out;
  for (size_t k : mine) {
    const auto st = store_.status(plan_.points[k].id);
    if (!st || (!st->ok && retry_failed_)) out.push_back({Task::Kind::point, k});
  }
  return out;
}

std::vector<Task> Engine::compile_tasks(const std::vector<size_t>& mine) const {
  std::set<std::string> keys;
  for (const Task& t : point_tasks(mine)) {
    const std::string& key = plan_.points[t.index].compile_key;
    std::error_code ec;
    if (!key.empty() && !fs::exists(store_.cache_scb(key), ec)) keys.insert(key);
  }
  std::vector<Task> out;
  for (size_t c = 0; c < plan_.compiles.size(); ++c)
    if (keys.count(plan_.compiles[c].key)) out.push_back({Task::Kind::compile, c});
  return out;
}

std::string Engine::label(const Task& t) const {
  if (t.kind == Task::Kind::compile) return fmt::format("compile {}", plan_.compiles[t.index].key);
  const auto& p = plan_.points[t.index];
  return p.label.empty() ? p.id : p.label;
}

const std::string& Engine::id(const Task& t) const {
  return t.kind == Task::Kind::compile ? plan_.compiles[t.index].key : plan_.points[t.index].id;
}

Started Engine::start(const Task& t) {
  Started s;
  s.t0 = std::chrono::steady_clock::now();
  if (t.kind == Task::Kind::compile) {
    const auto& c = plan_.compiles[t.index];
    write_atomically(store_.cache_arch(c.key), c.arch_yaml);
    std::error_code ec;
    fs::remove(store_.cache_log(c.key), ec);
    // Children run in the sweep folder with paths relative to it, so a point's report names
    // the same image (cache/<key>.scb) in every sweep folder.
    s.pid = spawn(self_exe(), compile_args(plan_, c, relative(store_.cache_scb(c.key)), rules_),
                  store_.dir().string(), store_.cache_log(c.key).string());
    return s;
  }
  const auto& p = plan_.points[t.index];
  s.temp = store_.make_temp(p.id);
  std::string model = plan_.spec.model, compiled_for;
  if (!p.compile_key.empty()) {
    std::error_code ec;
    if (!fs::exists(store_.cache_scb(p.compile_key), ec)) return s;  // finish() records why
    model = relative(store_.cache_scb(p.compile_key));
    compiled_for = relative(store_.cache_arch(p.compile_key));
    ++counters_.from_image;
  }
  s.pid = spawn(self_exe(), run_args(plan_, p, model, compiled_for, relative(s.temp), rules_),
                store_.dir().string(), (s.temp / "run.log").string());
  return s;
}

Outcome Engine::finish(const Task& t, const Started& s, int wait_status) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - s.t0).count();
  if (t.kind == Task::Kind::compile) {
    const auto& c = plan_.compiles[t.index];
    const ExitKind k = classify(wait_status);
    std::error_code ec;
    if (k == ExitKind::ok && fs::exists(store_.cache_scb(c.key), ec)) {
      ++counters_.compiled;
      return Outcome::ok;
    }
    if (k == ExitKind::interrupted) {
      interrupted_compiles_.insert(c.key);
      last_error_ = "compile " + describe(wait_status);
      return Outcome::interrupted;
    }
    ++counters_.compile_failed;
    last_error_ = first_error_line(read_text(store_.cache_log(c.key)));
    return Outcome::failed;
  }
  const auto& p = plan_.points[t.index];
  PointStatus st;
  st.wall_seconds = plan_.deterministic ? 0.0 : secs;
  if (s.pid == 0) {  // its image is missing: the compile failed or was stopped
    if (interrupted_compiles_.count(p.compile_key)) {
      std::error_code ec;
      fs::remove_all(s.temp, ec);
      ++counters_.interrupted;
      last_error_ = "its compile was stopped";
      return Outcome::interrupted;
    }
    const std::string err = first_error_line(read_text(store_.cache_log(p.compile_key)));
    st.ok = false;
    st.exit_code = 2;
    st.wall_seconds = 0;
    st.error = "compile: " + (err.empty() ? std::string("failed (no message)") : err);
    write_atomically(s.temp / "run.log", read_text(store_.cache_log(p.compile_key)));
    store_.commit(s.temp, p.id, p.identity, st);
    ++counters_.failed;
    last_error_ = st.error;
    return Outcome::failed;
  }
  const ExitKind k = classify(wait_status);
  if (k == ExitKind::interrupted) {  // not the point's fault: leave it to a rerun
    std::error_code ec;
    fs::remove_all(s.temp, ec);
    ++counters_.interrupted;
    last_error_ = "run " + describe(wait_status);
    return Outcome::interrupted;
  }
  st.ok = k == ExitKind::ok;
  st.exit_code = exit_code_of(wait_status);
  if (!st.ok) {
    st.error = first_error_line(read_text(s.temp / "run.log"));
    if (st.error.empty()) st.error = "run " + describe(wait_status);
  }
  store_.commit(s.temp, p.id, p.identity, st);
  st.ok ? ++counters_.ok : ++counters_.failed;
  last_error_ = st.error;
  return st.ok ? Outcome::ok : Outcome::failed;
}

}  // namespace sweep
