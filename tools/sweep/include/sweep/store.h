// A sweep's output folder (docs/sweeps.md):
//   DIR/sweep.yaml                the spec as resolved
//   DIR/points/<id>/              one finished point: the run's files (report.json, ...),
//                                 run.log (its stderr), point.yaml (its identity) and, last,
//                                 status.json; the folder appears only complete (it is built
//                                 under a temporary name and renamed)
//   DIR/cache/<key>.scb           program images, one per compile configuration, with
//   DIR/cache/<key>.arch.yaml     the chip each was compiled for and
//   DIR/cache/<key>.log           the compiler's messages
//   DIR/results.csv, results.json the answer
#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace sweep {

struct PointStatus {
  bool ok = false;
  std::string error;  // first line of the error (failed points)
  int exit_code = 0;
  double wall_seconds = 0;  // spawn to exit (0 with --deterministic)
};

class Store {
 public:
  explicit Store(std::filesystem::path dir);  // creates DIR, DIR/points, DIR/cache (absolute)
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path point_dir(const std::string& id) const;
  std::filesystem::path cache_scb(const std::string& key) const;
  std::filesystem::path cache_arch(const std::string& key) const;
  std::filesystem::path cache_log(const std::string& key) const;

  // The status of a finished point; nullopt while it is missing.
  std::optional<PointStatus> status(const std::string& id) const;

  // A fresh folder to build a point in: DIR/points/.tmp-<id>-<host>-<pid>.
  std::filesystem::path make_temp(const std::string& id) const;
  // Writes point.yaml and status.json into `temp` and renames it to DIR/points/<id>, replacing
  // a failed point's folder; when another process finished the point first, drops `temp`.
  void commit(const std::filesystem::path& temp, const std::string& id, const std::string& identity,
              const PointStatus& s) const;
  // Copies a finished point from another sweep folder (--merge), the same way.
  void import_point(const std::filesystem::path& other_point_dir, const std::string& id) const;
  // Removes temporary folders left by processes of this host that no longer run.
  void clean_stale() const;

  // Takes DIR/.lock (flock) for the life of this object; false when another process holds it.
  bool lock();

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

 private:
  std::filesystem::path dir_;
  int lock_fd_ = -1;
};

// Writes a file via a temporary name and rename (never half-written).
void write_atomically(const std::filesystem::path& path, const std::string& text);
std::string read_text(const std::filesystem::path& path);

}  // namespace sweep
