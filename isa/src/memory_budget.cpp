#include "isa/memory_budget.h"

#include <fmt/core.h>

#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "isa/error.h"

namespace isa {
namespace {

std::atomic<uint64_t> g_budget{0};  // 0 = not set here: environment or default

}  // namespace

uint64_t parse_bytes(std::string_view text, std::string_view what) {
  const auto bad = [&] {
    return InputError(fmt::format(
        "{} '{}': expected a size in bytes, e.g. 4GiB, 512MiB or 1e9 (units B, KiB, MiB, GiB, "
        "TiB, KB, MB, GB, TB)",
        what, text));
  };
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
                             text[i] == 'e' || text[i] == 'E' || text[i] == '+'))
    ++i;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + i, v);
  if (i == 0 || ec != std::errc() || end != text.data() + i || !std::isfinite(v) || v < 1)
    throw bad();
  std::string unit(text.substr(i));
  if (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  double scale = 0;
  for (const auto& [name, s] : {std::pair<const char*, double>{"", 1},
                                {"B", 1},
                                {"KiB", 0x1p10},
                                {"MiB", 0x1p20},
                                {"GiB", 0x1p30},
                                {"TiB", 0x1p40},
                                {"KB", 1e3},
                                {"MB", 1e6},
                                {"GB", 1e9},
                                {"TB", 1e12}})
    if (unit == name) scale = s;
  if (scale == 0 || v * scale >= 0x1p63) throw bad();
  return static_cast<uint64_t>(v * scale);
}

uint64_t memory_budget() {
  if (const uint64_t b = g_budget.load(std::memory_order_relaxed)) return b;
  if (const char* env = std::getenv("SPIKECHIP_MEMORY_BUDGET"); env && *env)
    return parse_bytes(env, "SPIKECHIP_MEMORY_BUDGET");
  return kDefaultMemoryBudget;
}

void set_memory_budget(uint64_t bytes) {
  g_budget.store(bytes, std::memory_order_relaxed);
}

std::string format_bytes(uint64_t bytes) {
  if (bytes == UINT64_MAX) return "more than 16 EiB";
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 6) v /= 1024, ++u;
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.3g} {}", v, units[u]);
}

std::string over_budget_message(std::string_view what, uint64_t bytes) {
  return fmt::format(
      "{} needs about {}, over the memory budget of {} (raise it with --memory-budget or "
      "SPIKECHIP_MEMORY_BUDGET)",
      what, format_bytes(bytes), format_bytes(memory_budget()));
}

void check_memory(std::string_view what, uint64_t bytes) {
  if (!within_budget(bytes)) throw InputError(over_budget_message(what, bytes));
}

void MemoryEstimate::add(std::string_view what, uint64_t bytes) {
  total_ = saturating_add(total_, bytes);
  if (!within_budget(total_))
    throw InputError(over_budget_message(
        fmt::format("{} (with what this input needed before it)", what), total_));
}

}  // namespace isa
