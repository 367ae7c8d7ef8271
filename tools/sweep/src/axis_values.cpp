#include "sweep/axis_values.h"

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>

namespace sweep {

namespace {

Mark mark_of(const YAML::Node& n) {
  return {n.Mark().line + 1, n.Mark().column + 1};
}

// A scalar as a number, or nullopt-like failure through `ok`.
bool to_number(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end && *end == '\0' && std::isfinite(out);
}

bool is_integer_text(const std::string& s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

std::string flow_text(const YAML::Node& n) {
  YAML::Emitter e;
  e << YAML::Flow << n;
  return e.c_str();
}

std::vector<AxisValue> read_range(const YAML::Node& node, const std::string& axis,
                                  const std::string& path) {
  double from = 0, to = 0;
  int steps = 0;
  bool log = false, have_from = false, have_to = false, have_steps = false, integral = true;
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    const YAML::Node& v = kv.second;
    const Mark m = mark_of(v);
    const std::string text = v.IsScalar() ? v.Scalar() : "";
    if (key == "from" || key == "to") {
      double x = 0;
      if (!to_number(text, x))
        fail(path, m,
             fmt::format("axis '{}': range {}: expected a number, got '{}'", axis, key,
                         v.IsScalar() ? text : flow_text(v)));
      integral = integral && is_integer_text(text);
      (key == "from" ? from : to) = x;
      (key == "from" ? have_from : have_to) = true;
    } else if (key == "steps") {
      double x = 0;
      if (!to_number(text, x) || !is_integer_text(text) || x < 1 || x > 100000)
        fail(path, m,
             fmt::format("axis '{}': range steps: expected a whole number from 1 to 100000, got "
                         "'{}'",
                         axis, v.IsScalar() ? text : flow_text(v)));
      steps = static_cast<int>(x);
      have_steps = true;
    } else if (key == "scale") {
      if (text != "linear" && text != "log")
        fail(path, m,
             fmt::format("axis '{}': range scale: expected linear or log, got '{}'", axis,
                         v.IsScalar() ? text : flow_text(v)));
      log = text == "log";
    } else {
      fail(path, mark_of(kv.first),
           fmt::format("axis '{}': unknown range key '{}'; expected from, to, steps, scale", axis,
                       key));
    }
  }
  if (!have_from || !have_to || !have_steps)
    fail(path, mark_of(node),
         fmt::format("axis '{}': a range needs from, to and steps (e.g. {{from: 1, to: 16, "
                     "steps: 5, scale: log}})",
                     axis));
  std::vector<double> xs;
  try {
    xs = range_values(from, to, steps, log, integral);
  } catch (const std::invalid_argument& e) {
    fail(path, mark_of(node), fmt::format("axis '{}': {}", axis, e.what()));
  }
  std::vector<AxisValue> out;
  for (double x : xs) out.push_back({number_text(x), mark_of(node)});
  return out;
}

}  // namespace

std::string number_text(double v) {
  if (v == 0) return "0";  // no "-0"
  return fmt::format("{}", v);
}

std::vector<double> range_values(double from, double to, int steps, bool log, bool integral) {
  if (steps < 1) throw std::invalid_argument("range steps must be at least 1");
  if (steps == 1 && from != to)
    throw std::invalid_argument(fmt::format("a range of 1 step must have from = to (got {} and {})",
                                            number_text(from), number_text(to)));
  if (log && (from <= 0 || to <= 0))
    throw std::invalid_argument(fmt::format("a log range needs from and to above 0 (got {} and {})",
                                            number_text(from), number_text(to)));
  std::vector<double> out;
  for (int i = 0; i < steps; ++i) {
    const double f = steps == 1 ? 0.0 : double(i) / double(steps - 1);
    double x = i == steps - 1 ? to
               : log          ? std::exp(std::log(from) + f * (std::log(to) - std::log(from)))
                              : from + f * (to - from);
    if (i == 0) x = from;
    x = std::strtod(fmt::format("{:.12g}", x).c_str(), nullptr);
    if (integral) x = std::round(x);
    out.push_back(x);
  }
  std::set<double> seen;
  for (double x : out)
    if (!seen.insert(x).second)
      throw std::invalid_argument(
          fmt::format("the range gives {} twice{} (fewer steps, or a wider range)", number_text(x),
                      integral ? " after rounding to whole numbers" : ""));
  return out;
}

std::vector<AxisValue> read_axis_values(const YAML::Node& node, const std::string& axis,
                                        const std::string& path) {
  if (node.IsMap()) return read_range(node, axis, path);
  if (!node.IsSequence())
    fail(path, mark_of(node),
         fmt::format("axis '{}': expected a list of values or a range {{from, to, steps, "
                     "scale}}, got {}",
                     axis, node.IsScalar() ? "the scalar '" + node.Scalar() + "'" : "nothing"));
  std::vector<AxisValue> out;
  std::set<std::string> seen;
  for (const auto& item : node) {
    std::string text;
    if (item.IsScalar()) {
      text = item.Scalar();
    } else if (item.IsSequence()) {
      for (const auto& x : item)
        if (!x.IsScalar())
          fail(path, mark_of(x), fmt::format("axis '{}': expected a scalar in the list", axis));
      text = flow_text(item);
    } else {
      fail(path, mark_of(item),
           fmt::format("axis '{}': expected a scalar value (or a list, for list keys)", axis));
    }
    if (!seen.insert(text).second)
      fail(path, mark_of(item), fmt::format("axis '{}': value '{}' listed twice", axis, text));
    out.push_back({text, mark_of(item)});
  }
  if (out.empty()) fail(path, mark_of(node), fmt::format("axis '{}': no values", axis));
  return out;
}

}  // namespace sweep
