// Progress of long work on a terminal: "run: 120/500 samples, 31.2 M synaptic events/s, 0:42
// left". Silent when stderr is not a terminal or with --quiet; at most ten updates a second.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace cli {

class Progress {
 public:
  // `what`: the verb ("run"); `unit`: what is counted ("samples").
  Progress(std::string what, std::string unit, uint64_t total, bool quiet);
  ~Progress();  // clears the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done` of the total so far; `events`: synaptic events so far (0: not shown).
  void update(uint64_t done, uint64_t events = 0);
  bool enabled() const { return enabled_; }

 private:
  std::string what_, unit_;
  uint64_t total_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// "1:02:03" / "2:03" / "0:05".
std::string clock_string(double seconds);

}  // namespace cli
