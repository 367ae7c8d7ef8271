// Runs a check of an untrusted file in a forked child, so that a crash or a hang inside a
// library (libhdf5 1.10 crashes on some corrupt variable-length string heaps and loops on some
// corrupt caches) is that file's error, exit 2 with a message naming it, never a signal that
// takes the tool down (issue 24).
#pragma once
#include <functional>
#include <string>

namespace isa {

// Runs `check` in a child process. Returns when it finished normally. Throws InputError with
// the child's message when it threw InputError, std::runtime_error when it threw anything else,
// and InputError "PATH: ... crashed (SIGNAL) reading this file ..." when it died by a signal
// or ran past `timeout_seconds`. `what` says what was read ("the NIR graph").
void check_in_child(const std::string& path, const std::string& what,
                    const std::function<void()>& check, double timeout_seconds = 60);

}  // namespace isa
