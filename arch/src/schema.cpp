#include "schema.h"

#include <utility>

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include "suggest.h"

namespace arch::detail {
namespace {

using units::Quantity;

// `acc` is a generic lambda `[](auto& c) -> auto& { return c.core.neurons; }`: one accessor
// serves the setter (non-const config) and the getter (const config).
template <class Acc>
FieldSpec uint_field(std::string path, std::string member, Quantity q, double min, double max,
                     std::string doc, Acc acc) {
  FieldSpec f;
  f.path = std::move(path);
  f.member = std::move(member);
  f.kind = ValueKind::uint;
  f.quantity = q;
  f.min = min;
  f.max = max;
  f.doc = std::move(doc);
  f.set = [acc](ArchConfig& c, const Value& v) {
    auto& field = acc(c);
    field = static_cast<std::remove_reference_t<decltype(field)>>(std::get<double>(v));
  };
  f.get = [acc](const ArchConfig& c) -> Value { return static_cast<double>(acc(c)); };
  return f;
}

template <class Acc>
FieldSpec real_field(std::string path, std::string member, Quantity q, double min, double max,
                     std::string doc, Acc acc) {
  FieldSpec f = uint_field(std::move(path), std::move(member), q, min, max, std::move(doc), acc);
  f.kind = ValueKind::real;
  return f;
}

template <class Acc>
FieldSpec bool_field(std::string path, std::string member, std::string doc, Acc acc) {
  FieldSpec f;
  f.path = std::move(path);
  f.member = std::move(member);
  f.kind = ValueKind::boolean;
  f.doc = std::move(doc);
  f.set = [acc](ArchConfig& c, const Value& v) { acc(c) = std::get<bool>(v); };
  f.get = [acc](const ArchConfig& c) -> Value { return acc(c); };
  return f;
}

template <class Acc>
FieldSpec text_field(std::string path, std::string member, std::string doc, Acc acc) {
  FieldSpec f;
  f.path = std::move(path);
  f.member = std::move(member);
  f.kind = ValueKind::text;
  f.doc = std::move(doc);
  f.set = [acc](ArchConfig& c, const Value& v) { acc(c) = std::get<std::string>(v); };
  f.get = [acc](const ArchConfig& c) -> Value { return acc(c); };
  return f;
}

// An enum stored in the config; `names[i]` is the YAML spelling of enumerator value i... given
// as explicit (name, value) pairs so the order of the enum does not matter.
template <class E, class Acc>
FieldSpec choice_field(std::string path, std::string member,
                       std::vector<std::pair<std::string, E>> names, std::string doc, Acc acc) {
  FieldSpec f;
  f.path = std::move(path);
  f.member = std::move(member);
  f.kind = ValueKind::choice;
  f.doc = std::move(doc);
  for (const auto& n : names) f.choices.push_back(n.first);
  f.set = [acc, names](ArchConfig& c, const Value& v) {
    for (const auto& n : names)
      if (n.first == std::get<std::string>(v)) acc(c) = n.second;
  };
  f.get = [acc, names](const ArchConfig& c) -> Value {
    for (const auto& n : names)
      if (n.second == acc(c)) return n.first;
    return std::string("?");
  };
  return f;
}

// A list of enum values stored as a vector in the config (`acc` returns the vector).
template <class E, class Acc>
FieldSpec choice_list_field(std::string path, std::vector<std::pair<std::string, E>> names,
                            std::string doc, Acc acc) {
  FieldSpec f;
  f.path = path;
  f.member = std::move(path);
  f.kind = ValueKind::choice_list;
  f.doc = std::move(doc);
  for (const auto& n : names) f.choices.push_back(n.first);
  f.set = [acc, names](ArchConfig& c, const Value& v) {
    auto& out = acc(c);
    out.clear();
    for (const auto& name : std::get<std::vector<std::string>>(v))
      for (const auto& n : names)
        if (n.first == name) out.push_back(n.second);
  };
  f.get = [acc, names](const ArchConfig& c) -> Value {
    std::vector<std::string> out;
    for (E m : acc(c))
      for (const auto& n : names)
        if (n.second == m) out.push_back(n.first);
    return out;
  };
  return f;
}

FieldSpec au_modes_field() {
  return choice_list_field<AuMode>(
      "core.au_modes",
      {{"fc", AuMode::fc},
       {"conv", AuMode::conv},
       {"ssc", AuMode::ssc},
       {"ssc_strided", AuMode::ssc_strided},
       {"pool", AuMode::pool},
       {"elementwise", AuMode::elementwise}},
      "addressing modes the AU supports (fc dense, conv, ssc submanifold sparse conv, "
      "ssc_strided, pool, elementwise)",
      [](auto& c) -> auto& { return c.core.au_modes; });
}

FieldSpec weight_layouts_field() {
  return choice_list_field<WeightLayout>(
      "core.weight_layout",
      {{"dense", WeightLayout::dense},
       {"compressed", WeightLayout::compressed},
       {"nm", WeightLayout::nm}},
      "weight layouts the synapse memory supports (one, or a list): dense rows, compressed "
      "per-row (index, weight) lists, nm structured N:M; given several, the compiler picks per "
      "fc projection the one needing the least memory (docs/simulator.md)",
      [](auto& c) -> auto& { return c.core.weight_layouts; });
}

std::vector<FieldSpec> make_fields() {
  constexpr double kMaxCycles = 1e9;
  std::vector<FieldSpec> v;
  auto name = text_field(
      "name", "name", "the chip's name (reports, ERT component names)",
      [](auto& c) -> auto& { return c.name; });
  name.required = true;
  v.push_back(name);
  auto clock = real_field(
      "clock", "clock_hz", Quantity::frequency, 1e3, 1e11, "core and NoC clock",
      [](auto& c) -> auto& { return c.clock_hz; });
  clock.required = true;
  v.push_back(clock);
  v.push_back(choice_field<isa::Semantics>(
      "semantics", "semantics",
      {{"layer_sequential", isa::Semantics::layer_sequential},
       {"pipelined", isa::Semantics::pipelined}},
      "timestep semantics (DESIGN.md §4)", [](auto& c) -> auto& { return c.semantics; }));
  v.push_back(uint_field(
      "barrier_latency", "barrier_cycles", Quantity::cycles, 0, kMaxCycles,
      "barrier latency from the last arrival to release",
      [](auto& c) -> auto& { return c.barrier_cycles; }));
  v.push_back(uint_field(
      "host_latency", "host_latency_cycles", Quantity::cycles, 0, kMaxCycles,
      "host interface latency per packet", [](auto& c) -> auto& { return c.host_latency_cycles; }));
  auto mx = uint_field(
      "mesh.x", "mesh.x", Quantity::count, 1, 1024, "cores per row",
      [](auto& c) -> auto& { return c.mesh.x; });
  auto my = uint_field(
      "mesh.y", "mesh.y", Quantity::count, 1, 1024, "rows of cores",
      [](auto& c) -> auto& { return c.mesh.y; });
  mx.required = my.required = true;
  v.push_back(mx);
  v.push_back(my);

#define CORE_UINT(key, member, q, lo, hi, doc)      \
  v.push_back(uint_field(                           \
      "core." key, "core." #member, q, lo, hi, doc, \
      [](auto& c) -> auto& { return c.core.member; }))
  CORE_UINT("neurons", neurons, Quantity::count, 1, 1 << 20, "neuron capacity per core");
  CORE_UINT("fan_in", fan_in, Quantity::count, 1, 1 << 24,
            "distinct source neurons (axons) per core");
  CORE_UINT("synapse_memory", synapse_memory_bytes, Quantity::bytes, 8, 1 << 30,
            "weight memory size per core");
  CORE_UINT("weight_bits", weight_bits, Quantity::bits, 1, 16, "signed weight precision");
  CORE_UINT("synapse_word_bits", synapse_word_bits, Quantity::bits, 8, 1024,
            "weight memory word (a multiple of 8)");
  CORE_UINT("synapse_banks", synapse_banks, Quantity::count, 1, 64, "weight memory banks");
  v.push_back(weight_layouts_field());
  CORE_UINT("nm_n", nm_n, Quantity::count, 1, 63,
            "N:M layout: non-zero weights kept per group (fewer than core.nm_m)");
  CORE_UINT("nm_m", nm_m, Quantity::count, 2, 64,
            "N:M layout: consecutive positions of a weight row per group");
  CORE_UINT("membrane_banks", membrane_banks, Quantity::count, 1, 256, "membrane memory banks");
  CORE_UINT("membrane_ports", membrane_ports, Quantity::count, 1, 4,
            "accesses per membrane bank per cycle");
  CORE_UINT("membrane_word_bits", membrane_word_bits, Quantity::bits, 8, 128,
            "membrane memory word (a multiple of 8)");
  CORE_UINT("v_bits", v_bits, Quantity::bits, 2, 32, "signed membrane potential precision");
  CORE_UINT("u_bits", u_bits, Quantity::bits, 2, 32, "signed synaptic current precision");
  CORE_UINT("decay_bits", decay_bits, Quantity::bits, 1, 16,
            "decay constants as fractions of 2^decay_bits");
  CORE_UINT("au_lanes", au_lanes, Quantity::count, 1, 64, "addressing-unit lanes");
  CORE_UINT("au_addresses_per_cycle", au_addresses_per_cycle, Quantity::count, 1, 64,
            "(neuron, weight) addresses per lane per cycle");
  v.push_back(au_modes_field());
  CORE_UINT("n_pe", n_pe, Quantity::count, 1, 1024, "accumulate-only adders per core");
  CORE_UINT("input_queue_depth", input_queue_depth, Quantity::count, 1, 1 << 20,
            "input spike queue depth in packets");
  CORE_UINT("neuron_updates_per_cycle", neuron_updates_per_cycle, Quantity::count, 1, 1024,
            "neuron-unit throughput");
  v.push_back(choice_field<NeuronUpdatePolicy>(
      "core.update_policy", "core.update_policy",
      {{"dense_sweep", NeuronUpdatePolicy::dense_sweep},
       {"active_only", NeuronUpdatePolicy::active_only}},
      "update every neuron each step, or only touched ones (lazy leak)",
      [](auto& c) -> auto& { return c.core.update_policy; }));
  CORE_UINT("input_bits", input_bits, Quantity::bits, 1, 16,
            "graded input payload precision (host input)");
  CORE_UINT("spike_bits", spike_bits, Quantity::bits, 1, 8,
            "largest spike payload a neuron may emit (1 = binary)");
  v.push_back(choice_field<QuantisationMode>(
      "core.quantisation", "core.quantisation",
      {{"power_of_two", QuantisationMode::power_of_two},
       {"lava_loihi", QuantisationMode::lava_loihi}},
      "float-to-integer parameter mapping: per-layer power-of-two scales, or the Lava script's "
      "Loihi fixed point (truncated, weights << 6)",
      [](auto& c) -> auto& { return c.core.quantisation; }));
#undef CORE_UINT

  v.push_back(uint_field(
      "noc.router_latency", "noc.router_latency_cycles", Quantity::cycles, 0, 1000,
      "router latency per hop", [](auto& c) -> auto& { return c.noc.router_latency_cycles; }));
#define NOC_UINT(key, member, q, lo, hi, doc) \
  v.push_back(uint_field(                     \
      "noc." key, "noc." #member, q, lo, hi, doc, [](auto& c) -> auto& { return c.noc.member; }))
  NOC_UINT("link_width_bits", link_width_bits, Quantity::bits, 1, 4096, "bits per cycle per link");
  NOC_UINT("flit_bits", flit_bits, Quantity::bits, 1, 4096, "flit size");
  NOC_UINT("packet_bits", packet_bits, Quantity::bits, 1, 4096,
           "one spike packet, header and payload");
#undef NOC_UINT
  v.push_back(text_field(
      "noc.routing", "noc.routing", "routing algorithm (xy: dimension order)",
      [](auto& c) -> auto& { return c.noc.routing; }));
  v.back().kind = ValueKind::choice;
  v.back().choices = {"xy"};
  v.push_back(bool_field(
      "noc.multicast", "noc.multicast", "routers replicate packets",
      [](auto& c) -> auto& { return c.noc.multicast; }));
  v.push_back(choice_field<NocFidelity>(
      "noc.fidelity", "noc.fidelity",
      {{"reservation", NocFidelity::reservation}, {"flit", NocFidelity::flit}},
      "reservation (fast, no back-pressure) or flit (clocked routers, the reference)",
      [](auto& c) -> auto& { return c.noc.fidelity; }));
  v.push_back(uint_field(
      "noc.buffer_flits", "noc.buffer_flits", Quantity::count, 1, 1024,
      "input buffer per router port (flit fidelity)",
      [](auto& c) -> auto& { return c.noc.buffer_flits; }));
  v.push_back(uint_field(
      "map.neurons_per_core", "map.neurons_per_core", Quantity::count, 0, 1 << 20,
      "at most this many neurons per core, each core filled in turn (0: as many as fit); "
      "a mapping that needs more synapse memory than a core has is an error",
      [](auto& c) -> auto& { return c.map.neurons_per_core; }));
  v.push_back(bool_field(
      "map.share_cores", "map.share_cores",
      "layers may share a core (false: each core holds one layer, as SANA-FE's mappings)",
      [](auto& c) -> auto& { return c.map.share_cores; }));
  v.push_back(choice_field<Placement>(
      "map.placement", "map.placement",
      {{"optimised", Placement::optimised}, {"in_order", Placement::in_order}},
      "optimised (fewest hop-weighted messages) or in_order (logical core k at mesh index k, "
      "row-major: cores filled layer by layer)",
      [](auto& c) -> auto& { return c.map.placement; }));
  v.push_back(text_field(
      "energy.technology", "energy.technology",
      "energy preset (horowitz45, loihi, loihi_sanafe, truenorth) or a technology YAML file",
      [](auto& c) -> auto& { return c.energy.technology; }));
  v.push_back(text_field(
      "energy.ert", "energy.ert",
      "an Accelergy ERT file (as `spikechip arch --ert` writes) whose actions replace the "
      "technology's; energy.events still override it",
      [](auto& c) -> auto& { return c.energy.ert; }));
  v.back().may_be_empty = true;
  return v;
}

}  // namespace

const std::vector<FieldSpec>& arch_fields() {
  static const std::vector<FieldSpec> fields = make_fields();
  return fields;
}

const FieldSpec* find_field(std::string_view path) {
  for (const auto& f : arch_fields())
    if (f.path == path) return &f;
  return nullptr;
}

std::string yaml_string(const std::string& s) {
  YAML::Emitter out;
  out << s;
  return out.c_str();
}

std::string format_value(const FieldSpec& f, const Value& v) {
  switch (f.kind) {
    case ValueKind::uint:
    case ValueKind::real:
      return units::format_quantity(std::get<double>(v), f.quantity);
    case ValueKind::boolean:
      return std::get<bool>(v) ? "true" : "false";
    case ValueKind::text:
    case ValueKind::choice:
      return yaml_string(std::get<std::string>(v));
    case ValueKind::choice_list:
      return "[" + join(std::get<std::vector<std::string>>(v)) + "]";
  }
  return "";
}

std::string expected_text(const FieldSpec& f) {
  switch (f.kind) {
    case ValueKind::uint:
    case ValueKind::real:
      return fmt::format("{}{} from {} to {}", f.kind == ValueKind::uint ? "a whole " : "",
                         f.kind == ValueKind::uint ? "number" : "number",
                         units::format_quantity(f.min, f.quantity),
                         units::format_quantity(f.max, f.quantity));
    case ValueKind::boolean:
      return "true or false";
    case ValueKind::text:
      return "a string";
    case ValueKind::choice:
      return "one of " + join(f.choices);
    case ValueKind::choice_list:
      return "a list of " + join(f.choices);
  }
  return "";
}

}  // namespace arch::detail
