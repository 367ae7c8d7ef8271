// Runs spikechip as a child process (SystemC elaborates once per process) and measures it.
#pragma once
#include <string>
#include <vector>

namespace bench {

struct ChildResult {
  int exit_code = -1;         // -1: killed by a signal
  double wall_seconds = 0;    // spawn to exit, as the user waits
  double peak_rss_bytes = 0;  // ru_maxrss of the child (wait4)
  std::string stderr_path;    // where its stderr went (for error messages)
};

// Runs `program args...` with stdout and stderr sent to files `log_prefix`.out / .err.
ChildResult run_child(const std::string& program, const std::vector<std::string>& args,
                      const std::string& log_prefix);

// The tail of a text file (the last `max_chars`), for error messages.
std::string tail_of(const std::string& path, size_t max_chars = 600);

}  // namespace bench
