// Starting the child processes a sweep runs (`spikechip run`, `spikechip compile`): the same
// binary, its output to a log file, killed when the process that started it dies (so a killed
// driver leaves no orphans writing into its folder).
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace sweep {

// The path of the running binary (/proc/self/exe, resolved once).
const std::string& self_exe();

// Starts `exe args...` in folder `cwd`, with stdin from /dev/null and stdout + stderr appended
// to `log`. Throws std::runtime_error when it cannot start.
pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& cwd,
            const std::string& log);

// What a wait status means for a point.
enum class ExitKind { ok, failed, interrupted };
// interrupted: killed by SIGKILL, SIGTERM, SIGINT or SIGHUP (someone stopped it: the point is
// left to a rerun); a crash by another signal is a failure.
ExitKind classify(int wait_status);
int exit_code_of(int wait_status);      // the exit code, or 128 + signal
std::string describe(int wait_status);  // "exit 2", "killed by signal 9 (Killed)"

}  // namespace sweep
