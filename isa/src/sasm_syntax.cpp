#include "sasm_syntax.h"

#include <algorithm>
#include <cctype>

#include <fmt/core.h>

namespace isa::sasm {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t subst = prev[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
      // A swap of two neighbours counts as one edit (optimal string alignment).
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1]))
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::vector<Token> tokenize(std::string_view line, std::optional<LexError>& error) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < line.size()) {
    if (is_space(line[i])) {
      ++i;
      continue;
    }
    if (line[i] == ';') break;
    Token t;
    t.col = i + 1;
    if (line[i] == '"') {
      t.quoted = true;
      ++i;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i];
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        if (c != '\\') {
          t.text += c;
          ++i;
          continue;
        }
        if (i + 1 >= line.size()) break;
        const char e = line[i + 1];
        if (e == '"' || e == '\\') {
          t.text += e;
          i += 2;
        } else if (e == 'n') {
          t.text += '\n';
          i += 2;
        } else if (e == 't') {
          t.text += '\t';
          i += 2;
        } else if (e == 'x' && i + 3 < line.size() && hex_digit(line[i + 2]) >= 0 &&
                   hex_digit(line[i + 3]) >= 0) {
          t.text += static_cast<char>(hex_digit(line[i + 2]) * 16 + hex_digit(line[i + 3]));
          i += 4;
        } else {
          error = LexError{i + 1, "unknown escape in string (expected \\\" \\\\ \\n \\t or \\xHH)"};
          return {};
        }
      }
      if (!closed) {
        error = LexError{t.col, "unterminated string (expected a closing '\"')"};
        return {};
      }
      if (i < line.size() && !is_space(line[i]) && line[i] != ';') {
        error = LexError{i + 1, "expected a space after the closing '\"'"};
        return {};
      }
    } else {
      while (i < line.size() && !is_space(line[i]) && line[i] != ';') t.text += line[i++];
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::optional<uint64_t> parse_unsigned(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    const int d = hex_digit(c);
    if (d < 0 || d >= base) return std::nullopt;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base))
      return std::nullopt;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  return v;
}

std::optional<int64_t> parse_signed(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const auto mag = parse_unsigned(s);
  if (!mag) return std::nullopt;
  if (negative) {
    if (*mag > uint64_t{INT64_MAX} + 1) return std::nullopt;
    return static_cast<int64_t>(0 - *mag);
  }
  if (*mag > uint64_t{INT64_MAX}) return std::nullopt;
  return static_cast<int64_t>(*mag);
}

uint64_t shape_product(std::span<const uint32_t> dims) {
  constexpr uint64_t kCap = uint64_t{1} << 33;
  uint64_t p = 1;
  for (uint32_t d : dims) p = (d != 0 && p > kCap / d) ? kCap : p * d;
  return p;
}

std::string quote_if_needed(std::string_view name) {
  bool bare = !name.empty() && name[0] != '"';
  for (char c : name)
    if (is_space(c) || c == ';' || c == '\\' || c == '"' || static_cast<unsigned char>(c) < 0x20 ||
        c == 0x7f)
      bare = false;
  if (bare) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string nearest(std::string_view word, std::span<const std::string_view> candidates) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (std::string_view c : candidates) {
    const size_t d = edit_distance(word, c);
    // On a tie, prefer the candidate of the word's length (a swap over a dropped letter).
    const bool tie_closer = d == best_d && (c.size() == word.size()) && best.size() != word.size();
    if (d < best_d || tie_closer) {
      best_d = d;
      best = std::string(c);
    }
  }
  // Close enough to be a typo: at most a third of the longer word, and at least one letter.
  const size_t limit = std::max<size_t>(1, std::max(word.size(), best.size()) / 3);
  return best_d <= limit ? best : std::string();
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  const std::string n = nearest(word, candidates);
  return n.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", n);
}

}  // namespace isa::sasm
