#include "sweep/shard.h"

#include <fmt/core.h>

#include <cstdlib>

#include "isa/error.h"

namespace sweep {

namespace {

bool parse_size(const std::string& s, size_t& out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9)
    return false;
  out = std::stoul(s);
  return true;
}

}  // namespace

std::optional<Shard> shard_from(const std::string& arg) {
  Shard sh;
  if (!arg.empty()) {
    const size_t slash = arg.find('/');
    if (slash == std::string::npos || !parse_size(arg.substr(0, slash), sh.index) ||
        !parse_size(arg.substr(slash + 1), sh.count) || sh.count == 0 || sh.index >= sh.count)
      throw isa::InputError(fmt::format(
          "--shard {}: expected I/N with 0 <= I < N (shard I of N, counted from 0)", arg));
    sh.source = "--shard";
    return sh;
  }
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count) return std::nullopt;
  size_t min = 0;
  const char* min_text = std::getenv("SLURM_ARRAY_TASK_MIN");
  if (!parse_size(id, sh.index) || !parse_size(count, sh.count) ||
      (min_text && !parse_size(min_text, min)) || sh.count == 0 || sh.index < min ||
      sh.index - min >= sh.count)
    throw isa::InputError(fmt::format(
        "SLURM_ARRAY_TASK_ID={} SLURM_ARRAY_TASK_COUNT={} SLURM_ARRAY_TASK_MIN={}: not a shard "
        "(the array must be contiguous, e.g. --array=0-{})",
        id, count, min_text ? min_text : "unset", sh.count ? sh.count - 1 : 0));
  sh.index -= min;
  sh.source = "SLURM_ARRAY_TASK_ID";
  return sh;
}

std::vector<size_t> shard_points(size_t points, const std::optional<Shard>& shard) {
  std::vector<size_t> out;
  for (size_t k = 0; k < points; ++k)
    if (!shard || k % shard->count == shard->index) out.push_back(k);
  return out;
}

}  // namespace sweep
