#include "probe.h"

#include <fmt/core.h>

#include <charconv>

#include "isa/error.h"
#include "isa/memory_budget.h"

namespace cli {
namespace {

namespace po = boost::program_options;

uint32_t parse_index(const std::string& spec, std::string_view s) {
  uint32_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    throw isa::InputError(fmt::format(
        "--probe '{}': '{}' is not a neuron index (expected LAYER[:NEURONS], NEURONS like 0, "
        "0-9 or 3,5,7)",
        spec, s));
  return v;
}

// "0-3,7" -> {{0, 3}, {7, 7}}: inclusive ranges, expanded only once they are known to lie
// inside the layer (0-4294967295 would otherwise allocate 16 GiB before any check).
std::vector<std::pair<uint32_t, uint32_t>> parse_neurons(const std::string& spec,
                                                         std::string_view list) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  while (true) {
    const size_t comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    const size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      const uint32_t j = parse_index(spec, item);
      out.emplace_back(j, j);
    } else {
      const uint32_t lo = parse_index(spec, item.substr(0, dash));
      const uint32_t hi = parse_index(spec, item.substr(dash + 1));
      if (hi < lo)
        throw isa::InputError(
            fmt::format("--probe '{}': range {} is empty (expected low-high)", spec, item));
      out.emplace_back(lo, hi);
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

// Layers the image updates with a current-based neuron (they have u).
std::vector<bool> current_layers(const isa::ProgramImage& image) {
  std::vector<bool> has(image.layers.size(), false);
  for (const isa::CoreProgram& c : image.cores)
    for (const isa::Instr& in : c.code)
      if ((in.op == isa::Opcode::upd_cuba || in.op == isa::Opcode::upd_culi) &&
          in.a < c.segments.size() && c.segments[in.a].layer < has.size())
        has[c.segments[in.a].layer] = true;
  return has;
}

}  // namespace

void add_probe_options(po::options_description& opts, ProbeOptions& p) {
  opts.add_options()("probe", po::value<std::vector<std::string>>(&p.specs)->composing(),
                     "record v (and u) of LAYER's neurons after every step: LAYER[:NEURONS], "
                     "NEURONS like 0, 0-9 or 3,5,7 (default all); repeatable")(
      "probe-out", po::value<std::string>(&p.out)->default_value(p.out),
      "file name of the probe CSV inside --out (sample,step,layer,neuron,v,u; hardware units)");
}

std::vector<sim::Probe> parse_probes(const ProbeOptions& p, const isa::ProgramImage& image,
                                     uint64_t sample_steps) {
  if (p.out.empty() || p.out.find('/') != std::string::npos || p.out.front() == '.')
    throw isa::InputError(fmt::format(
        "--probe-out '{}': expected a file name inside the output folder (written with it)",
        p.out));
  std::vector<sim::Probe> out;
  for (const std::string& spec : p.specs) {
    std::string name = spec;
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    const size_t colon = spec.rfind(':');
    if (colon != std::string::npos) {
      name = spec.substr(0, colon);
      ranges = parse_neurons(spec, std::string_view(spec).substr(colon + 1));
    }
    sim::Probe probe;
    bool found = false;
    std::string names;
    for (uint32_t l = 0; l < image.layers.size(); ++l) {
      const isa::LayerInfo& info = image.layers[l];
      if (!info.is_input) names += (names.empty() ? "" : ", ") + info.name;
      if (info.name != name || found) continue;
      if (info.is_input)
        throw isa::InputError(fmt::format(
            "--probe '{}': '{}' is the input layer, which has no neuron state", spec, name));
      found = true;
      probe.layer = l;
    }
    if (!found)
      throw isa::InputError(
          fmt::format("--probe '{}': no layer '{}' (layers: {})", spec, name, names));
    const uint32_t size = image.layers[probe.layer].size;
    if (ranges.empty() && size > 0) ranges.emplace_back(0, size - 1);
    uint64_t count = 0;
    for (const auto& [lo, hi] : ranges) {
      if (hi >= size)
        throw isa::InputError(fmt::format("--probe '{}': layer '{}' has {} neurons, no neuron {}",
                                          spec, name, size, hi));
      count += uint64_t{hi} - lo + 1;
    }
    // The neuron list, and a CSV row (about 48 bytes) per neuron, sample and step.
    constexpr uint64_t kRowBytes = 48;
    isa::check_memory(
        fmt::format("--probe '{}': {} neurons x {} samples and steps", spec, count, sample_steps),
        isa::saturating_mul(count,
                            sizeof(uint32_t) + isa::saturating_mul(sample_steps, kRowBytes)));
    for (const auto& [lo, hi] : ranges)
      for (uint64_t j = lo; j <= hi; ++j) probe.neurons.push_back(static_cast<uint32_t>(j));
    out.push_back(std::move(probe));
  }
  return out;
}

ProbeCsv::ProbeCsv(const std::vector<sim::Probe>& probes, const isa::ProgramImage& image)
    : probes_(probes), text_("sample,step,layer,neuron,v,u\n") {
  const std::vector<bool> cur = current_layers(image);
  for (const sim::Probe& p : probes) {
    names_.push_back(image.layers.at(p.layer).name);
    has_u_.push_back(cur.at(p.layer));
  }
}

void ProbeCsv::add(uint32_t sample, uint32_t step, size_t k,
                   const std::vector<isa::NeuronState>& values) {
  const sim::Probe& p = probes_[k];
  for (size_t i = 0; i < values.size(); ++i) {
    if (has_u_[k])
      text_ += fmt::format("{},{},{},{},{},{}\n", sample, step, names_[k], p.neurons[i],
                           values[i].v, values[i].u);
    else
      text_ += fmt::format("{},{},{},{},{},\n", sample, step, names_[k], p.neurons[i], values[i].v);
  }
}

}  // namespace cli
