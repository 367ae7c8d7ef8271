#include "sweep/store.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "isa/error.h"

namespace sweep {

namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "host";
  std::string s(buf);
  for (auto& c : s)
    if (c == '-' || c == '/') c = '_';
  return s;
}

std::string status_json(const std::string& id, const PointStatus& s) {
  nlohmann::ordered_json j;
  j["point"] = id;
  j["status"] = s.ok ? "ok" : "failed";
  if (!s.ok) j["error"] = s.error;
  j["exit_code"] = s.exit_code;
  j["wall_seconds"] = s.wall_seconds;
  return j.dump(2) + "\n";
}

}  // namespace

void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp =
      path.parent_path() / fmt::format(".{}.tmp{}", path.filename().string(), getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write", tmp.string()));
  }
  fs::rename(tmp, path);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Store::Store(fs::path dir) : dir_(fs::absolute(dir).lexically_normal()) {
  std::error_code ec;
  fs::create_directories(dir_ / "points", ec);
  if (!ec) fs::create_directories(dir_ / "cache", ec);
  if (ec || !fs::is_directory(dir_ / "points"))
    throw isa::InputError(fmt::format("{}: cannot create the sweep folder ({})", dir_.string(),
                                      ec ? ec.message() : "not a folder"));
}

Store::~Store() {
  if (lock_fd_ >= 0) close(lock_fd_);
}

bool Store::lock() {
  lock_fd_ = open((dir_ / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw std::runtime_error(fmt::format("{}/.lock: cannot open", dir_.string()));
  return flock(lock_fd_, LOCK_EX | LOCK_NB) == 0;
}

fs::path Store::point_dir(const std::string& id) const {
  return dir_ / "points" / id;
}
fs::path Store::cache_scb(const std::string& key) const {
  return dir_ / "cache" / (key + ".scb");
}
fs::path Store::cache_arch(const std::string& key) const {
  return dir_ / "cache" / (key + ".arch.yaml");
}
fs::path Store::cache_log(const std::string& key) const {
  return dir_ / "cache" / (key + ".log");
}

std::optional<PointStatus> Store::status(const std::string& id) const {
  const fs::path f = point_dir(id) / "status.json";
  std::error_code ec;
  if (!fs::is_regular_file(f, ec)) return std::nullopt;
  const auto j = nlohmann::json::parse(read_text(f), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("status")) return std::nullopt;
  PointStatus s;
  s.ok = j["status"] == "ok";
  s.error = j.value("error", "");
  s.exit_code = j.value("exit_code", 0);
  s.wall_seconds = j.value("wall_seconds", 0.0);
  return s;
}

fs::path Store::make_temp(const std::string& id) const {
  const fs::path t = dir_ / "points" / fmt::format(".tmp-{}-{}-{}", id, host_name(), getpid());
  fs::remove_all(t);
  fs::create_directories(t);
  return t;
}

void Store::commit(const fs::path& temp, const std::string& id, const std::string& identity,
                   const PointStatus& s) const {
  write_atomically(temp / "point.yaml", identity);
  write_atomically(temp / "status.json", status_json(id, s));  // last: the folder is complete
  const fs::path final = point_dir(id);
  std::error_code ec;
  if (auto old = status(id)) {
    if (old->ok) {  // someone else finished it: keep theirs
      fs::remove_all(temp, ec);
      return;
    }
  }
  if (fs::exists(final, ec)) {  // a failed point being retried: swap it out
    const fs::path trash = temp.string() + ".old";
    fs::rename(final, trash);
    fs::rename(temp, final);
    fs::remove_all(trash, ec);
    return;
  }
  fs::rename(temp, final);
}

void Store::import_point(const fs::path& other, const std::string& id) const {
  const fs::path t = make_temp(id);
  for (const auto& e : fs::directory_iterator(other))
    if (e.path().filename() != "status.json")
      fs::copy(e.path(), t / e.path().filename(), fs::copy_options::recursive);
  fs::copy_file(other / "status.json", t / "status.json");  // last
  std::error_code ec;
  if (fs::exists(point_dir(id), ec)) {
    const fs::path trash = t.string() + ".old";
    fs::rename(point_dir(id), trash);
    fs::rename(t, point_dir(id));
    fs::remove_all(trash, ec);
    return;
  }
  fs::rename(t, point_dir(id));
}

void Store::clean_stale() const {
  const std::string host = host_name();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_ / "points", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(".tmp-", 0) != 0) continue;
    // .tmp-<id>-<host>-<pid>[.old]
    std::string rest = name.substr(5);
    if (rest.size() > 4 && rest.compare(rest.size() - 4, 4, ".old") == 0)
      rest.resize(rest.size() - 4);
    const size_t a = rest.find('-'), b = rest.rfind('-');
    if (a == std::string::npos || b == a) continue;
    if (rest.substr(a + 1, b - a - 1) != host) continue;
    const pid_t pid = static_cast<pid_t>(std::atol(rest.c_str() + b + 1));
    if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH)) fs::remove_all(e.path(), ec);
  }
}

}  // namespace sweep
