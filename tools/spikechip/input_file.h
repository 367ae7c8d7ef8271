// Every file a verb reads is checked here first: it exists and is a regular file. A FIFO, a
// device or a folder would make a reader block or fail deep inside a library.
#pragma once
#include <string>
#include <string_view>

namespace cli {

// Throws isa::InputError "PATH: WHAT is not a regular file (a FIFO)" and the like.
void require_regular_file(const std::string& path, std::string_view what);

}  // namespace cli
