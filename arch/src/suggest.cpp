#include "suggest.h"

#include <algorithm>
#include <cctype>

namespace arch::detail {

size_t edit_distance(std::string_view a, std::string_view b) {
  // Levenshtein distance, one row at a time; letters compared case-insensitively so that
  // "Core.Neurons" still finds "core.neurons".
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      const size_t next = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = row[j];
      row[j] = next;
    }
  }
  return row[b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  size_t best_d = SIZE_MAX;
  for (const auto& c : candidates) {
    const size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = &c;
  }
  // A typo changes a few letters: allow about a third of the word, at least 2.
  const size_t limit = std::max<size_t>(2, word.size() / 3);
  if (!best || best_d > limit) return "";
  return " (did you mean '" + *best + "'?)";
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

}  // namespace arch::detail
