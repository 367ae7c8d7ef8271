#include "progress.h"

#include <fmt/core.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace cli {

Progress::Progress(std::string what, std::string unit, uint64_t total, bool quiet)
    : what_(std::move(what)),
      unit_(std::move(unit)),
      total_(total),
      enabled_(!quiet && isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (shown_) fmt::print(stderr, "\r\033[K");
}

void Progress::update(uint64_t done, uint64_t events) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100) && done < total_) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string line = fmt::format("{}: {}/{} {}", what_, done, total_, unit_);
  if (events > 0 && elapsed > 0)
    line += fmt::format(", {:.3g} M synaptic events/s", double(events) / elapsed * 1e-6);
  if (done > 0 && done < total_)
    line += fmt::format(", {} left", clock_string(elapsed / double(done) * double(total_ - done)));
  fmt::print(stderr, "\r\033[K{}", line);
  std::fflush(stderr);
  shown_ = true;
}

std::string clock_string(double seconds) {
  const auto s = static_cast<uint64_t>(std::llround(std::max(0.0, seconds)));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace cli
