#include "report.h"

#include <fmt/core.h>

#include "arch/weight_layout.h"
#include "compiler/conventions.h"

namespace cli {
namespace {
// Counters a source may not fill (the simulator's stats have no sparse-convolution fields).
uint64_t at_or_zero(const std::vector<uint64_t>& v, size_t i) {
  return i < v.size() ? v[i] : 0;
}
}  // namespace

Json report_header(const std::string& command, const LoadedModel& m, const std::string& input,
                   uint32_t samples, uint32_t timesteps) {
  Json j;
  j["schema"] = kReportSchema;
  j["command"] = command;
  j["model"] = m.path;
  j["arch"] = {{"name", m.arch.config.name},
               {"source", m.arch.source},
               {"hash", fmt::format("{:016x}", m.arch.hash)}};
  j["semantics"] =
      m.image.semantics == isa::Semantics::pipelined ? "pipelined" : "layer_sequential";
  j["workload"] = {{"input", input}, {"samples", samples}, {"timesteps", timesteps}};
  j["conventions"] = conventions(m);
  return j;
}

Json conventions(const LoadedModel& m) {
  Json c;
  if (m.from_nir) {
    const compiler::CompileOptions& o = m.options;
    if (!m.profile.empty()) c["profile"] = m.profile;
    c["dt"] = o.dt;
    c["discretisation"] = compiler::name_of(o.discretisation);
    c["reset"] = compiler::name_of(o.reset);
    c["spike_compare"] = compiler::name_of(o.compare);
  } else {
    c["source"] = "program image";  // its conventions were fixed when it was compiled
  }
  c["input_frac_bits"] = m.image.input_frac_bits;
  if (m.input_quant) c["input_frac_bits_chosen_by"] = m.input_quant->chosen_by;
  if (!m.fitted.empty()) c["fit"] = m.fitted;
  return c;
}

Json layer_counts(const isa::ProgramImage& image, const compiler::ExecStats& s, uint64_t samples,
                  uint64_t timesteps) {
  Json layers = Json::array();
  for (size_t l = 0; l < image.layers.size(); ++l) {
    const auto& li = image.layers[l];
    const double slots = double(li.size) * double(samples) * double(timesteps);
    Json e;
    e["layer"] = li.name;
    e["shape"] = li.shape;
    e["neurons"] = li.size;
    e["role"] = li.is_input ? "input" : (li.is_output ? "output" : "hidden");
    // One definition in run and golden: neurons that fired (a graded spike counts once);
    // spike_payload weights each by its value (docs/reports.md).
    e["spikes"] = s.spike_packets[l];
    e["spike_packets"] = s.spike_packets[l];
    e["spike_payload"] = s.spikes[l];
    e["firing_rate"] = slots > 0 ? double(s.spike_packets[l]) / slots : 0.0;
    if (!li.is_input) {
      e["synaptic_events"] = s.synaptic_events[l];
      e["dense_ops"] = s.dense_ops[l];
      e["neuron_updates"] = s.neuron_updates[l];
    }
    layers.push_back(std::move(e));
  }
  return layers;
}

Json sparsity(const isa::ProgramImage& image, const compiler::ExecStats& s, uint64_t samples,
              uint64_t timesteps) {
  uint64_t fired = 0, slots = 0, syn = 0, dense = 0, skipped = 0, site_messages = 0;
  for (size_t l = 0; l < image.layers.size(); ++l) {
    skipped += at_or_zero(s.skipped_ops, l);
    site_messages += at_or_zero(s.site_activations, l);
  }
  for (size_t l = 0; l < image.layers.size(); ++l) {
    if (image.layers[l].is_input) continue;
    fired += s.spike_packets[l];
    slots += uint64_t{image.layers[l].size} * samples * timesteps;
    syn += s.synaptic_events[l];
    dense += s.dense_ops[l];
  }
  Json j;
  // NeuroBench ActivationSparsity: zero outputs / all outputs over the spiking layers.
  j["activation_sparsity"] = slots ? 1.0 - double(fired) / double(slots) : 0.0;
  j["synaptic_events"] = syn;  // effective ACs: spikes x non-zero fan-out
  j["dense_ops"] = dense;      // fan-out pairs of the spikes, zero weights included
  j["zero_weight_ops"] = dense - syn;
  // Sparse convolution: fan-out pairs to inactive sites not generated, and the site-activation
  // messages sent (docs/execution-model.md, "Sparse convolution").
  j["skipped_by_sparse_addressing"] = skipped;
  j["site_activations"] = site_messages;
  return j;
}

Json quantisation(const LoadedModel& m) {
  Json a = Json::array();
  if (m.input_quant) {  // the host's fixed point on this workload's inputs
    const compiler::InputQuantReport& q = *m.input_quant;
    a.push_back({{"layer", m.image.layers.at(0).name},
                 {"input", true},
                 {"frac_bits", q.frac_bits},
                 {"chosen_by", q.chosen_by},
                 {"range", q.range},
                 {"values", q.values},
                 {"saturated", q.saturated},
                 {"dropped", q.dropped},
                 {"max_abs_error", q.max_abs_error},
                 {"max_rel_error", q.relative_error()}});
  }
  for (const auto& r : m.compiled.quant) {
    a.push_back({{"layer", r.layer},
                 {"scale", r.scale},
                 {"weights", r.weights},
                 {"nonzero", r.nonzero},
                 {"saturated", r.saturated},
                 {"zeroed", r.zeroed},
                 {"max_abs_error", r.max_abs_error},
                 {"max_rel_error", r.max_rel_error},
                 {"threshold_error", r.threshold_error},
                 {"decay_error", r.decay_error}});
    if (!r.notes.empty()) a.back()["notes"] = r.notes;
  }
  return a;
}

Json weight_layouts(const LoadedModel& m) {
  Json a = Json::array();
  const compiler::Network& net = m.compiled.net;
  // A loaded image records the layouts only in its AU.* opcodes; a released IR none.
  if (!m.from_nir || net.layers.empty()) return a;
  std::vector<uint64_t> layer_bits(net.layers.size(), 0);
  for (const auto& s : m.compiled.mapping.segments)
    if (s.layer < layer_bits.size()) layer_bits[s.layer] += s.synapse_bits;
  for (size_t l = 1; l < net.layers.size(); ++l)
    for (const auto& p : net.layers[l].inputs)
      a.push_back({{"layer", net.layers[l].name},
                   {"source", net.layers[p.source].name},
                   {"via", p.origin},
                   {"layout", std::string(arch::layout_name(p.layout))},
                   {"reason", p.layout_reason},
                   {"layer_synapse_bytes", (layer_bits[l] + 7) / 8}});
  return a;
}

std::string predictions_csv(const std::vector<int64_t>& predicted,
                            const std::vector<int64_t>& labels) {
  std::string s = labels.empty() ? "sample,predicted\n" : "sample,predicted,label\n";
  for (size_t i = 0; i < predicted.size(); ++i)
    s += labels.empty() ? fmt::format("{},{}\n", i, predicted[i])
                        : fmt::format("{},{},{}\n", i, predicted[i], labels[i]);
  return s;
}

double accuracy(const std::vector<int64_t>& predicted, const std::vector<int64_t>& labels) {
  size_t ok = 0;
  for (size_t i = 0; i < predicted.size(); ++i) ok += predicted[i] == labels[i];
  return predicted.empty() ? 0.0 : double(ok) / double(predicted.size());
}

std::string dump(const Json& j) {
  return j.dump(2) + "\n";
}

}  // namespace cli
