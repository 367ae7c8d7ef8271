// The `spikechip` command line: each verb lives in its own cmd_<verb>.cpp and registers itself
// here; main.cpp dispatches and maps errors to exit codes (DESIGN.md §12).
#pragma once
#include <string>
#include <vector>

namespace cli {

// Exit codes: 0 success, 2 bad input, 3 golden mismatch, 1 anything else.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitMismatch = 3;

using VerbFn = int (*)(const std::vector<std::string>& args);

struct Verb {
  const char* name;
  const char* summary;  // one line for `spikechip --help`
  VerbFn run;
};

// Called from a static initialiser in each cmd_<verb>.cpp.
bool register_verb(const Verb& verb);
const std::vector<Verb>& verbs();

}  // namespace cli
