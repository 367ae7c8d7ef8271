// CSV events: one event per line, columns t (µs), x, y, p by default. An optional header line
// names the columns (t|ts|t_us|time|timestamp, x, y, p|pol|polarity) in any order. Separators:
// comma, semicolon, tab or spaces. Lines starting with '#' and blank lines are skipped.
// Polarity: any value > 0 is ON. Fractional timestamps are rounded to the nearest µs.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/core.h>

#include "binary_file.h"
#include "event_readers.h"
#include "workloads/error.h"

namespace workloads {
namespace {

bool is_separator(char c) {
  return c == ',' || c == ';' || c == '\t' || c == ' ';
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::string cur;
  bool comma_mode = line.find_first_of(",;\t") != std::string::npos;
  for (char c : line) {
    if (comma_mode ? (c == ',' || c == ';' || c == '\t') : is_separator(c)) {
      if (comma_mode || !cur.empty()) cells.push_back(cur);
      cur.clear();
    } else if (c != '\r' && !(comma_mode && c == ' ')) {
      cur += c;
    }
  }
  if (!cur.empty() || comma_mode) cells.push_back(cur);
  return cells;
}

class CsvReader : public EventReader {
 public:
  explicit CsvReader(const std::string& path) : file_(path) {
    info_.path = path;
    info_.format = "csv";
  }

  size_t read(std::span<Event> out) override {
    size_t n = 0;
    while (n < out.size() && !file_.at_end()) {
      std::string line = file_.read_line();
      ++line_no_;
      size_t first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;
      auto cells = split(line.substr(first));
      if (!seen_first_) {
        seen_first_ = true;
        if (std::any_of(line.begin(), line.end(),
                        [](char c) { return std::isalpha(c) && c != 'e' && c != 'E'; })) {
          parse_header(cells);
          continue;
        }
      }
      out[n++] = parse_event(cells);
    }
    return n;
  }

 private:
  [[noreturn]] void fail(size_t column, const std::string& what) const {
    throw InputError(fmt::format("{}:{}:{}: {}", info_.path, line_no_, column, what));
  }

  void parse_header(const std::vector<std::string>& cells) {
    col_ = {-1, -1, -1, -1};
    for (size_t i = 0; i < cells.size(); ++i) {
      std::string c = cells[i];
      std::transform(c.begin(), c.end(), c.begin(), ::tolower);
      c.erase(std::remove_if(c.begin(), c.end(), [](char ch) { return ch == '"' || ch == ' '; }),
              c.end());
      int k = -1;
      if (c == "t" || c == "ts" || c == "t_us" || c == "time" || c == "timestamp") k = 0;
      if (c == "x") k = 1;
      if (c == "y") k = 2;
      if (c == "p" || c == "pol" || c == "polarity") k = 3;
      if (k >= 0) col_[k] = static_cast<int>(i);
    }
    for (int k = 0; k < 4; ++k)
      if (col_[k] < 0)
        fail(1,
             fmt::format("header: expected a column named {}", std::array{"t", "x", "y", "p"}[k]));
  }

  Event parse_event(const std::vector<std::string>& cells) {
    int max_col = *std::max_element(col_.begin(), col_.end());
    if (static_cast<int>(cells.size()) <= max_col)
      fail(1, fmt::format("expected {} columns (t, x, y, p), found {}", max_col + 1, cells.size()));
    double v[4];
    for (int k = 0; k < 4; ++k) {
      const std::string& s = cells[static_cast<size_t>(col_[k])];
      // Integers (the common case) via from_chars; decimals and exponents via strtod.
      int64_t iv = 0;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), iv);
      bool ok = !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
      if (ok) {
        v[k] = static_cast<double>(iv);
      } else {
        char* end = nullptr;
        v[k] = std::strtod(s.c_str(), &end);
        ok = !s.empty() && *end == '\0';
      }
      if (!ok || !std::isfinite(v[k]))
        fail(static_cast<size_t>(col_[k]) + 1, fmt::format("expected a number for {}, found '{}'",
                                                           std::array{"t", "x", "y", "p"}[k], s));
    }
    for (int k = 1; k <= 2; ++k)
      if (v[k] < 0 || v[k] > 65535 || v[k] != std::floor(v[k]))
        fail(static_cast<size_t>(col_[k]) + 1,
             fmt::format("expected an integer coordinate 0..65535, found {}", v[k]));
    const std::optional<int64_t> t = checked_time_us(v[0]);
    if (!t)
      fail(static_cast<size_t>(col_[0]) + 1,
           fmt::format("expected a time of 0 to {} µs, found {}", kMaxEventTimeUs, v[0]));
    return Event{*t, static_cast<uint16_t>(v[1]), static_cast<uint16_t>(v[2]),
                 static_cast<uint8_t>(v[3] > 0 ? 1 : 0)};
  }

  BinaryFile file_;
  size_t line_no_ = 0;
  bool seen_first_ = false;
  std::array<int, 4> col_ = {0, 1, 2, 3};  // column of t, x, y, p
};

}  // namespace

std::unique_ptr<EventReader> open_csv(const std::string& path) {
  return std::make_unique<CsvReader>(path);
}

}  // namespace workloads
