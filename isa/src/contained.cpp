#include "isa/contained.h"

#include <fmt/core.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

#include "isa/error.h"

namespace isa {
namespace {

// Distinct from what a sanitizer's report exits with (1): any other status is a crash.
enum ChildExit { kOk = 0, kInputError = 42, kOtherError = 43 };

void write_all(int fd, const std::string& s) {
  for (size_t done = 0; done < s.size();) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

void check_in_child(const std::string& path, const std::string& what,
                    const std::function<void()>& check, double timeout_seconds) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("check_in_child: pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]), ::close(fds[1]);
    throw std::runtime_error("check_in_child: fork failed");
  }
  if (pid == 0) {
    ::close(fds[0]);
    // A crash ends the child at once: no handler of the parent's (a test framework's, a
    // sanitizer's) runs in it and reports as if it were the parent.
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(sig, SIG_DFL);
    int code = kOk;
    try {
      check();
    } catch (const InputError& e) {
      write_all(fds[1], e.what());
      code = kInputError;
    } catch (const std::exception& e) {
      write_all(fds[1], e.what());
      code = kOtherError;
    }
    ::_exit(code);  // no destructors, no atexit handlers: they belong to the parent
  }
  ::close(fds[1]);
  std::string message;
  bool timed_out = false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000))) < 0) continue;
    if (!(p.revents & (POLLIN | POLLHUP))) continue;
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;  // the child closed its end: it has exited
    message.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    throw InputError(fmt::format(
        "{}: reading {} did not finish in {:g} s (the file is corrupt: its library loops on it)",
        path, what, timeout_seconds));
  if (WIFEXITED(status) && WEXITSTATUS(status) == kOk) return;
  if (WIFEXITED(status) && WEXITSTATUS(status) == kInputError) throw InputError(message);
  if (WIFEXITED(status) && WEXITSTATUS(status) == kOtherError)
    throw std::runtime_error(fmt::format("reading {}: {}", path, message));
  throw InputError(fmt::format(
      "{}: reading {} crashed the file's library ({}): the file is corrupt (expected a file "
      "that library can read)",
      path, what,
      WIFSIGNALED(status) ? strsignal(WTERMSIG(status))
                          : fmt::format("exit status {}", WEXITSTATUS(status))));
}

}  // namespace isa
