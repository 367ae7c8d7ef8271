// Progress of a sweep on stderr: on a terminal one line rewritten in place (points done and
// failed, rate, time left); otherwise one line per finished point or compile.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>

namespace sweep {

class Progress {
 public:
  // `total`: points this process will run; `tty`: stderr is a terminal.
  Progress(size_t total, bool tty);
  void compiled(const std::string& label, bool ok, const std::string& error, double seconds);
  // outcome: "ok", "failed" or "interrupted".
  void point(const std::string& id, const std::string& label, const std::string& outcome,
             const std::string& error, double seconds);
  void finish();  // ends the terminal line

 private:
  void redraw(bool force);
  size_t total_, done_ = 0, failed_ = 0, interrupted_ = 0;
  bool tty_;
  std::chrono::steady_clock::time_point t0_, last_draw_;
};

}  // namespace sweep
