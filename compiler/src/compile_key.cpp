#include "compiler/compile_key.h"

#include <algorithm>

namespace compiler {

const std::vector<std::string_view>& timing_only_arch_keys() {
  static const std::vector<std::string_view> keys = {
      "clock",
      "barrier_latency",
      "host_latency",
      // not core.synapse_word_bits: compressed and N:M rows occupy whole words (partition)
      "core.synapse_banks",
      "core.membrane_banks",
      "core.membrane_ports",
      "core.membrane_word_bits",
      "core.au_lanes",
      "core.au_addresses_per_cycle",
      "core.n_pe",
      "core.input_queue_depth",
      "core.neuron_updates_per_cycle",
      "core.update_policy",
      "noc.router_latency",
      "noc.link_width_bits",
      "noc.flit_bits",
      "noc.packet_bits",
      "noc.fidelity",
      "noc.buffer_flits",
  };
  return keys;
}

// The canonical YAML has a fixed shape: top-level `key: value` lines, `section:` headers with
// `  leaf: value` lines under them, and (energy only) `  sub:` headers with `    leaf: value`.
std::string compile_relevant_arch(std::string_view canonical_yaml) {
  const auto& drop = timing_only_arch_keys();
  std::string out, section;
  size_t pos = 0;
  while (pos < canonical_yaml.size()) {
    size_t end = canonical_yaml.find('\n', pos);
    if (end == std::string_view::npos) end = canonical_yaml.size();
    const std::string_view line = canonical_yaml.substr(pos, end - pos);
    pos = end + 1;
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos) continue;
    const size_t colon = line.find(':');
    const std::string_view key =
        line.substr(indent, colon == std::string_view::npos ? line.npos : colon - indent);
    if (indent == 0) section = std::string(key);
    std::string path = indent == 0 ? std::string(key) : section + "." + std::string(key);
    if (section == "energy") continue;
    if (std::find(drop.begin(), drop.end(), path) != drop.end()) continue;
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace compiler
