// Errors caused by bad input (files, options). The CLI maps them to exit code 2.
#pragma once
#include <stdexcept>
#include <string>

namespace isa {

// Bad input: the message names the file, the place in it and what was expected.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace isa
