#include "yaml_input.h"

#include <cmath>
#include <sstream>
#include <vector>

#include <fmt/core.h>
#include <yaml-cpp/eventhandler.h>

#include "isa/error.h"

namespace arch::detail {

std::string where(const Source& src, const YAML::Mark& mark) {
  if (!src.has_lines || mark.is_null()) return src.name;
  return fmt::format("{}:{}:{}", src.name, mark.line + 1, mark.column + 1);
}

void fail(const Source& src, const YAML::Mark& mark, const std::string& what) {
  throw isa::InputError(where(src, mark) + ": " + what);
}

namespace {
// Notes where a second document starts; ignores every other event.
struct SecondDocument final : YAML::EventHandler {
  int documents = 0;
  YAML::Mark mark = YAML::Mark::null_mark();
  void OnDocumentStart(const YAML::Mark& m) override {
    if (++documents == 2) mark = m;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};
}  // namespace

YAML::Node parse_yaml(std::string_view text, const Source& src) {
  try {
    const std::string str(text);
    YAML::Node root = YAML::Load(str);
    // A second document ("---") would otherwise be ignored without a word. Documents are
    // counted up to two only: yaml-cpp 0.7's LoadAll never ends on stray text such as "\n\n,"
    // (it yields empty documents forever; found by fuzz_arch).
    std::istringstream in(str);
    YAML::Parser parser(in);
    SecondDocument second;
    while (second.documents < 2 && parser.HandleNextDocument(second)) {
    }
    if (second.documents > 1)
      fail(src, second.mark,
           "a second YAML document or stray text after the first (expected one document: the "
           "chip's keys in a single mapping)");
    return root;
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
