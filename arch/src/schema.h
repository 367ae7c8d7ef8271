// The one declaration of every arch key: YAML path, type, unit, range, default, doc, and the
// config field it fills. The loader, the canonical writer, --set and docs/arch.md read it.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "arch/config.h"
#include "arch/units.h"

namespace arch::detail {

enum class ValueKind { uint, real, boolean, text, choice, choice_list };
using Value = std::variant<double, bool, std::string, std::vector<std::string>>;

struct FieldSpec {
  std::string path;    // dotted YAML path, e.g. "core.synapse_memory"
  std::string member;  // the ArchConfig member it fills, e.g. "core.synapse_memory_bytes"
  ValueKind kind = ValueKind::uint;
  units::Quantity quantity = units::Quantity::count;
  double min = 0, max = 0;           // inclusive range in base units (uint, real)
  std::vector<std::string> choices;  // choice, choice_list
  bool required = false;             // in a file without `base:`
  bool may_be_empty = false;         // text: "" is a value (energy.ert: none)
  std::string doc;
  std::function<void(ArchConfig&, const Value&)> set;
  std::function<Value(const ArchConfig&)> get;
};

// In schema order: sections in the order the canonical YAML prints them; `clock` comes before
// every cycle count, so "50 ns" converts with the clock of the same file.
const std::vector<FieldSpec>& arch_fields();
const FieldSpec* find_field(std::string_view path);

// The value as canonical YAML scalar text ("1 GHz", "[fc, conv]", "true").
std::string format_value(const FieldSpec& f, const Value& v);
// "1 to 1024 bytes", "one of a, b", ... for messages and docs.
std::string expected_text(const FieldSpec& f);

// A YAML-safe rendering of a free-text scalar (quoted when needed).
std::string yaml_string(const std::string& s);

}  // namespace arch::detail
