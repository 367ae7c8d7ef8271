// The sweep folder: a point folder appears only complete, a finished ok point is never
// replaced, temporaries of dead processes are cleaned, one process per folder.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "sweep/store.h"

namespace fs = std::filesystem;

namespace {

fs::path fresh(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("spikechip-unit-store-" + name);
  fs::remove_all(d);
  return d;
}

std::string host() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  std::string s(buf);
  for (auto& c : s)
    if (c == '-' || c == '/') c = '_';
  return s;
}

}  // namespace

TEST_CASE("sweep store: commit renames a complete folder into place; ok is never replaced") {
  sweep::Store st(fresh("commit"));
  CHECK_FALSE(st.status("aa"));
  fs::path t = st.make_temp("aa");
  std::ofstream(t / "report.json") << "{}";
  CHECK_FALSE(st.status("aa"));  // under construction: not a point yet
  st.commit(t, "aa", "id: 1\n", {false, "it broke", 2, 0.5});
  CHECK_FALSE(fs::exists(t));
  auto s = st.status("aa");
  REQUIRE(s);
  CHECK_FALSE(s->ok);
  CHECK(s->error == "it broke");
  CHECK(s->exit_code == 2);
  CHECK(sweep::read_text(st.point_dir("aa") / "point.yaml") == "id: 1\n");
  // A retried point replaces the failed one.
  t = st.make_temp("aa");
  st.commit(t, "aa", "id: 1\n", {true, "", 0, 0.25});
  s = st.status("aa");
  REQUIRE(s);
  CHECK(s->ok);
  CHECK_FALSE(fs::exists(st.point_dir("aa") / "report.json"));  // the old folder is gone
  // Someone finishing an ok point a second time leaves the first result.
  t = st.make_temp("aa");
  std::ofstream(t / "marker") << "x";
  st.commit(t, "aa", "id: 1\n", {false, "late", 1, 0});
  CHECK(st.status("aa")->ok);
  CHECK_FALSE(fs::exists(st.point_dir("aa") / "marker"));
  CHECK_FALSE(fs::exists(t));
  // Importing from another folder copies status.json last, the same way.
  sweep::Store other(fresh("commit-other"));
  other.import_point(st.point_dir("aa"), "aa");
  CHECK(other.status("aa")->ok);
  // Half-written status.json (not JSON) is not a status.
  fs::create_directories(st.point_dir("bb"));
  std::ofstream(st.point_dir("bb") / "status.json") << "{\"sta";
  CHECK_FALSE(st.status("bb"));
}

TEST_CASE("sweep store: temporaries of dead processes on this host are removed") {
  sweep::Store st(fresh("stale"));
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);  // a pid that no longer runs
  const fs::path dead = st.dir() / "points" / (".tmp-cc-" + host() + "-" + std::to_string(child));
  const fs::path alive =
      st.dir() / "points" / (".tmp-dd-" + host() + "-" + std::to_string(getpid()));
  const fs::path elsewhere = st.dir() / "points" / ".tmp-ee-otherhost-1";
  for (const auto& p : {dead, alive, elsewhere}) fs::create_directories(p);
  st.clean_stale();
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(alive));
  CHECK(fs::exists(elsewhere));  // another host's process: not ours to judge
}

TEST_CASE("sweep store: one process per folder (flock)") {
  const fs::path d = fresh("lock");
  sweep::Store a(d);
  REQUIRE(a.lock());
  const pid_t child = fork();
  if (child == 0) {
    sweep::Store b(d);
    _exit(b.lock() ? 1 : 0);  // must not get it
  }
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
