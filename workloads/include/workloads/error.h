// Errors caused by bad input files. The CLI maps them to exit code 2.
#pragma once
#include <stdexcept>

namespace workloads {

// Bad input: the message names the file, the place in it (byte offset, record) and what was
// expected.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace workloads
