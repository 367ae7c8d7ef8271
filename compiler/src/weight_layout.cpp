#include "compiler/weight_layout.h"

#include <fmt/core.h>

#include <algorithm>

#include "arch/weight_layout.h"
#include "isa/error.h"

namespace compiler {

namespace {

using arch::WeightLayout;

std::string kib(uint64_t bits) {
  return fmt::format("{:.1f} KiB", double(bits) / 8192.0);
}

const char* kind_name(ProjectionKind k) {
  switch (k) {
    case ProjectionKind::fc:
      return "fc";
    case ProjectionKind::conv:
      return "conv";
    case ProjectionKind::pool:
      return "pool";
    case ProjectionKind::elementwise:
      return "elementwise";
  }
  return "?";
}

// The whole projection in one segment: what the choice compares.
uint64_t projection_bits(const Projection& p, uint32_t sources, uint32_t targets,
                         const arch::CoreConfig& core) {
  FcStorage s(p, sources, 0, sources, core);
  s.restart(0);
  for (uint32_t j = 0; j < targets; ++j) s.add(j);
  return s.bits();
}

}  // namespace

std::optional<NmViolation> nm_violation(const Projection& p, uint32_t sources, uint32_t targets,
                                        uint32_t n, uint32_t m) {
  std::vector<uint32_t> in_group(sources, 0);
  for (uint32_t j = 0; j < targets; ++j) {
    if (j % m == 0) std::fill(in_group.begin(), in_group.end(), 0);
    const int16_t* col = p.qweight.data() + size_t{j} * sources;
    for (uint32_t i = 0; i < sources; ++i)
      if (col[i] != 0 && ++in_group[i] > n) {
        // Count the whole group for the message.
        const uint32_t g0 = j / m * m, g1 = std::min(targets, g0 + m);
        uint32_t nz = 0;
        for (uint32_t t = g0; t < g1; ++t) nz += p.qweight[size_t{t} * sources + i] != 0;
        return NmViolation{i, g0, nz};
      }
  }
  return std::nullopt;
}

FcStorage::FcStorage(const Projection& p, uint32_t sources, uint32_t row_begin, uint32_t row_end,
                     const arch::CoreConfig& core)
    : p_(p),
      core_(core),
      sources_(sources),
      row_begin_(row_begin),
      row_end_(row_end),
      word_bits_(core.synapse_word_bits),
      entries_per_word_(arch::entries_per_word(p.layout, core)) {}

void FcStorage::restart(uint32_t first) {
  first_ = first;
  count_ = 0;
  words_ = packed_bits_ = nm_entries_ = 0;
  if (p_.layout == WeightLayout::compressed) row_entries_.assign(row_end_ - row_begin_, 0);
}

uint64_t FcStorage::delta_words(uint32_t target) const {
  const uint64_t rows = row_end_ - row_begin_;
  if (p_.layout == WeightLayout::nm) {
    // A target starting a group adds N entries to every row.
    if (count_ > 0 && target % core_.nm_m != 0) return 0;
    return rows * (arch::row_words(WeightLayout::nm, core_, nm_entries_ + core_.nm_n) -
                   arch::row_words(WeightLayout::nm, core_, nm_entries_));
  }
  // compressed: a non-zero weight opens a new word when its row's last word is full.
  const int16_t* col = p_.qweight.data() + size_t{target} * sources_;
  uint64_t d = 0;
  for (uint32_t i = row_begin_; i < row_end_; ++i)
    d += col[i] != 0 && row_entries_[i - row_begin_] % entries_per_word_ == 0;
  return d;
}

uint64_t FcStorage::bits_adding(uint32_t target) const {
  if (p_.layout == WeightLayout::dense)
    return packed_bits_ + uint64_t{row_end_ - row_begin_} * core_.weight_bits;
  return (words_ + delta_words(target)) * word_bits_;
}

void FcStorage::add(uint32_t target) {
  switch (p_.layout) {
    case WeightLayout::dense:
      packed_bits_ += uint64_t{row_end_ - row_begin_} * core_.weight_bits;
      break;
    case WeightLayout::nm:
      words_ += delta_words(target);
      if (count_ == 0 || target % core_.nm_m == 0) nm_entries_ += core_.nm_n;
      break;
    case WeightLayout::compressed: {
      words_ += delta_words(target);
      const int16_t* col = p_.qweight.data() + size_t{target} * sources_;
      for (uint32_t i = row_begin_; i < row_end_; ++i) row_entries_[i - row_begin_] += col[i] != 0;
      break;
    }
  }
  ++count_;
}

void choose_weight_layouts(Network& net, const arch::ArchConfig& arch, const std::string& file) {
  const arch::CoreConfig& core = arch.core;
  const std::vector<WeightLayout>& listed = core.weight_layouts;
  const bool only_dense = listed.size() == 1 && listed[0] == WeightLayout::dense;
  for (Layer& layer : net.layers)
    for (Projection& p : layer.inputs) {
      p.layout = WeightLayout::dense;
      if (p.kind != ProjectionKind::fc) {
        p.layout_reason = only_dense ? "the only layout core.weight_layout lists"
                                     : fmt::format(
                                           "{} weights are addressed by geometry, stored "
                                           "dense (the layouts apply to fc rows)",
                                           kind_name(p.kind));
        continue;
      }
      if (only_dense) {
        p.layout_reason = "the only layout core.weight_layout lists";
        continue;
      }
      const uint32_t S = net.layers[p.source].size, T = layer.size;
      struct Candidate {
        WeightLayout layout;
        uint64_t bits;
      };
      std::vector<Candidate> fit;
      std::string rejected;
      std::optional<NmViolation> bad_nm;
      for (const WeightLayout l : listed) {
        if (l == WeightLayout::nm) {
          bad_nm = nm_violation(p, S, T, core.nm_n, core.nm_m);
          if (bad_nm) {
            rejected = fmt::format(
                "; not {}:{} sparse (source {}: {} non-zero weights in targets "
                "{}..{})",
                core.nm_n, core.nm_m, bad_nm->source, bad_nm->nonzero, bad_nm->first_target,
                std::min(T, bad_nm->first_target + core.nm_m) - 1);
            continue;
          }
        }
        p.layout = l;
        fit.push_back({l, projection_bits(p, S, T, core)});
      }
      if (fit.empty())
        throw isa::InputError(fmt::format(
            "{}: layer '{}': the fc weights from '{}' (via {}) are not {}:{} sparse: source "
            "neuron {} has {} non-zero weights in targets {}..{} (at most {} per group of {}); "
            "core.weight_layout lists no other layout to store them in (add dense or compressed)",
            file, layer.name, net.layers[p.source].name, p.origin, core.nm_n, core.nm_m,
            bad_nm->source, bad_nm->nonzero, bad_nm->first_target,
            std::min(T, bad_nm->first_target + core.nm_m) - 1, core.nm_n, core.nm_m));
      // The least memory; ties go to the earlier layout of the list (stable).
      const auto best =
          std::min_element(fit.begin(), fit.end(),
                           [](const Candidate& a, const Candidate& b) { return a.bits < b.bits; });
      p.layout = best->layout;
      std::string others;
      for (const Candidate& c : fit)
        if (c.layout != best->layout)
          others += fmt::format("{}{} {}", others.empty() ? " against " : ", ",
                                arch::layout_name(c.layout), kib(c.bits));
      p.layout_reason =
          fmt::format("least synapse memory: {}{}{}", kib(best->bits), others, rejected);
      if (fit.size() == 1 && rejected.empty())
        p.layout_reason =
            fmt::format("the only layout core.weight_layout lists ({})", kib(best->bits));
    }
}

}  // namespace compiler
