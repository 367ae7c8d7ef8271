#include "sweep/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace sweep {

const std::string& self_exe() {
  static const std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  return exe;
}

pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& cwd,
            const std::string& log) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(exe.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(fmt::format("{}: cannot open ({})", log, strerror(errno)));
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fd);
    throw std::runtime_error(fmt::format("cannot start {}: {}", exe, strerror(errno)));
  }
  if (pid == 0) {  // only async-signal-safe calls from here to exec
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    const int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (chdir(cwd.c_str()) != 0) _exit(127);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  close(fd);
  return pid;
}

ExitKind classify(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st) == 0 ? ExitKind::ok : ExitKind::failed;
  if (WIFSIGNALED(st)) {
    const int sig = WTERMSIG(st);
    if (sig == SIGKILL || sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
      return ExitKind::interrupted;
  }
  return ExitKind::failed;
}

int exit_code_of(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

std::string describe(int st) {
  if (WIFEXITED(st)) return fmt::format("exit {}", WEXITSTATUS(st));
  if (WIFSIGNALED(st))
    return fmt::format("killed by signal {} ({})", WTERMSIG(st), strsignal(WTERMSIG(st)));
  return "stopped";
}

}  // namespace sweep
