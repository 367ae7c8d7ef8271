// "did you mean" for misspelt keys, units and names: the nearest candidate by edit distance.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace arch::detail {

size_t edit_distance(std::string_view a, std::string_view b);

// " (did you mean 'x'?)" when a candidate is close enough to be a likely typo, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" for messages listing what is accepted.
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

}  // namespace arch::detail
