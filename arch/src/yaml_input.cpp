#include "yaml_input.h"

#include <cmath>
#include <vector>

#include <fmt/core.h>

#include "isa/error.h"

namespace arch::detail {

std::string where(const Source& src, const YAML::Mark& mark) {
  if (!src.has_lines || mark.is_null()) return src.name;
  return fmt::format("{}:{}:{}", src.name, mark.line + 1, mark.column + 1);
}

void fail(const Source& src, const YAML::Mark& mark, const std::string& what) {
  throw isa::InputError(where(src, mark) + ": " + what);
}

YAML::Node parse_yaml(std::string_view text, const Source& src) {
  try {
    // A second document ("---") would otherwise be ignored without a word.
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    if (docs.size() > 1)
      fail(src, docs[1].Mark(),
           "a second YAML document (expected one: the chip's keys in a single mapping)");
    return docs.empty() ? YAML::Node() : docs.front();
  } catch (const YAML::Exception& e) {
    fail(src, e.mark, "malformed YAML: " + e.msg);
  }
}

std::string_view node_kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    default:
      return "nothing";
  }
}

double read_quantity(const YAML::Node& n, const Source& src, const std::string& what,
                     units::Quantity q, double min, double max, bool integral, double clock_hz) {
  const std::string range =
      fmt::format("{} to {}", units::format_quantity(min, q), units::format_quantity(max, q));
  if (!n.IsScalar())
    fail(src, n.Mark(),
         fmt::format("{}: expected a value from {}, got {}", what, range, node_kind(n)));
  double v = 0;
  try {
    v = units::parse_quantity(n.Scalar(), q, clock_hz);
  } catch (const units::UnitError& e) {
    fail(src, n.Mark(), what + ": " + e.what());
  }
  if (v < min || v > max)
    fail(src, n.Mark(),
         fmt::format("{}: {} is out of range; expected {}", what, n.Scalar(), range));
  if (integral && v != std::floor(v))
    fail(src, n.Mark(),
         fmt::format("{}: {} is not a whole number of {}", what, n.Scalar(),
                     units::base_unit(q).empty() ? "units" : units::base_unit(q)));
  return v;
}

}  // namespace arch::detail
