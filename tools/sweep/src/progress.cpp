#include "sweep/progress.h"

#include <fmt/core.h>

#include <cstdio>

namespace sweep {

Progress::Progress(size_t total, bool tty)
    : total_(total), tty_(tty), t0_(std::chrono::steady_clock::now()) {
  last_draw_ = t0_ - std::chrono::seconds(1);
  if (tty_) redraw(true);
}

void Progress::compiled(const std::string& label, bool ok, const std::string& error,
                        double seconds) {
  if (tty_) {
    if (!ok) fmt::print(stderr, "\r\033[K{}: failed: {}\n", label, error);
    redraw(!ok);
    return;
  }
  fmt::print(stderr, "{}: {} ({:.2f} s){}\n", label, ok ? "ok" : "failed", seconds,
             ok ? "" : ": " + error);
}

void Progress::point(const std::string& id, const std::string& label, const std::string& outcome,
                     const std::string& error, double seconds) {
  outcome == "interrupted" ? ++interrupted_ : ++done_;
  if (outcome == "failed") ++failed_;
  if (tty_) {
    if (outcome != "ok") fmt::print(stderr, "\r\033[K{} {}: {}: {}\n", id, label, outcome, error);
    redraw(outcome != "ok");
    return;
  }
  fmt::print(stderr, "[{}/{}] {} {} {} ({:.2f} s){}\n", done_ + interrupted_, total_, outcome, id,
             label, seconds, error.empty() ? "" : ": " + error);
}

void Progress::redraw(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(200) && done_ < total_) return;
  last_draw_ = now;
  const double secs = std::chrono::duration<double>(now - t0_).count();
  const double rate = secs > 0 ? double(done_) / secs : 0.0;
  std::string left = "?";
  if (rate > 0) {
    const auto s = static_cast<long>(double(total_ - done_ - interrupted_) / rate + 0.5);
    left = fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  }
  fmt::print(stderr, "\r\033[Kpoints {}/{} done, {} failed, {:.2f} points/s, {} left", done_,
             total_, failed_, rate, left);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!tty_) return;
  redraw(true);
  fmt::print(stderr, "\n");
}

}  // namespace sweep
