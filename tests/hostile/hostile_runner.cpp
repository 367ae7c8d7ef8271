// Runs the hostile-input corpus (cases.txt, written by gen_corpus.py) against the real spikechip
// binary and checks each case's promise: exit 2, stderr naming every EXPECT, no new or changed
// file in the case's folder, no signal, wall time under the limit and peak RSS under the bound.
//   hostile_runner SPIKECHIP CASES CORPUS EXAMPLES [NAME-OR-CLASS...]
// Prints one line per case that breaks its promise and a summary per class; exits 1 when any
// case breaks it.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "compiler/nir.h"
#include "compiler/nir_build.h"

namespace fs = std::filesystem;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// Bounds of the promise. A sanitized build (CI's second pass) runs slower and its shadow
// memory counts in RSS, and ASan cannot run under an address-space limit.
constexpr double kWallSeconds = kSanitized ? 90 : 30;
constexpr long kMaxRssKiB = kSanitized ? 1536L * 1024 : 768L * 1024;
constexpr rlim_t kAddressSpace = rlim_t{6} << 30;  // a safety net, not the promise

struct Case {
  std::string cls, name, setup;
  std::vector<std::string> expect, args;
};

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep))
    if (!trim(cur).empty()) out.push_back(trim(cur));
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Graphs too large to commit (megabytes of HDF5 headers): "chain" is Input -> N Scale nodes in a
// row -> LIF -> Output; "wide" is Input -> N parallel Scale nodes -> LIF -> Output.
void write_big_nir(const std::string& kind, int n, const fs::path& path) {
  namespace nb = compiler::nir::build;
  compiler::nir::Graph g;
  g.nodes.push_back(nb::input("input", {2}));
  std::string prev = "input";
  for (int i = 0; i < n; ++i) {
    const std::string name = "s" + std::to_string(i);
    g.nodes.push_back(nb::scale(name, {2}, 1.0));
    if (kind == "chain") {
      g.edges.emplace_back(prev, name);
      prev = name;
    } else {
      g.edges.emplace_back("input", name);
      g.edges.emplace_back(name, "lif");
    }
  }
  g.nodes.push_back(nb::lif("lif", {2}, 0.004, 1, 0, 1));
  g.nodes.push_back(nb::output("output", {2}));
  if (kind == "chain") g.edges.emplace_back(prev, "lif");
  g.edges.emplace_back("lif", "output");
  std::sort(g.nodes.begin(), g.nodes.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  compiler::nir::write_file(g, path.string());
}

// Every entry under `dir` with its size (folders as -1), to find files left behind or changed.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const auto st = e.symlink_status();
    out[fs::relative(e.path(), dir).string()] =
        st.type() == fs::file_type::regular ? read_text(e.path()) : "<not a regular file>";
  }
  return out;
}

struct Outcome {
  bool held = true;
  std::string why;
  void fail(const std::string& w) {
    held = false;
    why += (why.empty() ? "" : "; ") + w;
  }
};

Outcome run_case(const Case& c, const std::string& binary, const fs::path& corpus,
                 const fs::path& examples, const fs::path& work) {
  Outcome o;
  const fs::path t = work / c.name;
  fs::remove_all(t);
  fs::create_directories(t);
  for (const std::string& step : split(c.setup == "-" ? "" : c.setup, ',')) {
    const size_t colon = step.find(':');
    const std::string kind = step.substr(0, colon), arg = step.substr(colon + 1);
    if (kind == "fifo") {
      mkfifo((t / arg).c_str(), 0600);
    } else if (kind == "copy") {
      fs::copy_file(corpus / arg, t / arg);
    } else if (kind == "mkdir") {
      fs::create_directories(t / arg);
    } else if (kind == "mkfile") {
      std::ofstream(t / arg) << "x\n";
    } else if (kind == "nir") {
      const size_t c2 = arg.find(':');
      write_big_nir(arg.substr(0, c2), std::stoi(arg.substr(c2 + 1)),
                    t / (arg.substr(0, c2) + ".nir"));
    } else {
      o.fail("unknown setup " + step);
      return o;
    }
  }
  const auto before = snapshot(t);
  std::vector<std::string> argv_s = {binary};
  for (std::string a : c.args) {
    a = replace_all(a, "{C}", corpus.string());
    a = replace_all(a, "{E}", examples.string());
    a = replace_all(a, "{T}", t.string());
    argv_s.push_back(a);
  }
  const fs::path err_path = work / (c.name + ".stderr");
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    if (!kSanitized) {
      rlimit as{kAddressSpace, kAddressSpace};
      setrlimit(RLIMIT_AS, &as);
    }
    if (chdir(t.c_str()) != 0) _exit(127);
    const int null = open("/dev/null", O_RDWR);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(null, 0), dup2(null, 1), dup2(err, 2);
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  bool killed = false;
  while (true) {
    const pid_t r = wait4(pid, &status, WNOHANG, &ru);
    if (r == pid) break;
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (s > kWallSeconds && !killed) {
      kill(-pid, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string err = read_text(err_path);
  if (killed) o.fail("killed after " + std::to_string(kWallSeconds) + " s (a hang)");
  if (WIFSIGNALED(status) && !killed) o.fail(std::string("signal ") + strsignal(WTERMSIG(status)));
  if (WIFEXITED(status) && WEXITSTATUS(status) != 2)
    o.fail("exit " + std::to_string(WEXITSTATUS(status)) + ", expected 2");
  if (ru.ru_maxrss > kMaxRssKiB) o.fail("peak RSS " + std::to_string(ru.ru_maxrss / 1024) + " MiB");
  if (seconds > kWallSeconds && !killed) o.fail("took " + std::to_string(seconds) + " s");
  for (const std::string& e : c.expect) {
    const std::string want = replace_all(e, "{T}", t.string());
    if (err.find(want) == std::string::npos) o.fail("stderr does not name '" + want + "'");
  }
  if (snapshot(t) != before) o.fail("left or changed files in its folder");
  if (!o.held) {
    std::string line = err.substr(0, err.find('\n'));
    if (line.size() > 300) line = line.substr(0, 300) + "...";
    o.why += "\n      stderr: " + line;
  } else {
    fs::remove_all(t);
    fs::remove(err_path);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: hostile_runner SPIKECHIP CASES CORPUS EXAMPLES [NAME|CLASS...]\n");
    return 2;
  }
  const std::string binary = fs::absolute(argv[1]).string();
  const std::set<std::string> only(argv + 5, argv + argc);
  std::ifstream in(argv[2]);
  if (!in) {
    std::fprintf(stderr, "hostile_runner: cannot read %s\n", argv[2]);
    return 2;
  }
  std::vector<Case> cases;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto f = split(line, '|');
    if (f.size() != 5) {
      std::fprintf(stderr, "hostile_runner: bad case line: %s\n", line.c_str());
      return 2;
    }
    Case c{f[0], f[1], f[3], split(f[2], ';'), split(f[4], ' ')};
    if (only.empty() || only.count(c.name) || only.count(c.cls)) cases.push_back(std::move(c));
  }
  const fs::path work =
      fs::temp_directory_path() / ("spikechip-hostile-" + std::to_string(getpid()));
  fs::create_directories(work);
  std::map<std::string, std::pair<int, int>> per_class;  // held, total
  int broken = 0;
  for (const Case& c : cases) {
    const Outcome o = run_case(c, binary, fs::absolute(argv[3]), fs::absolute(argv[4]), work);
    auto& pc = per_class[c.cls];
    ++pc.second;
    if (o.held) {
      ++pc.first;
    } else {
      ++broken;
      std::printf("BROKEN %s/%s: %s\n", c.cls.c_str(), c.name.c_str(), o.why.c_str());
    }
  }
  int held = 0;
  for (const auto& [cls, n] : per_class) {
    std::printf("%-12s %3d of %3d hold\n", cls.c_str(), n.first, n.second);
    held += n.first;
  }
  std::printf("%-12s %3d of %3zu hold\n", "all", held, cases.size());
  if (broken == 0) fs::remove_all(work);
  return broken ? 1 : 0;
}
