#include "sweep/metrics.h"

namespace sweep {

const std::vector<std::string_view>& metric_columns() {
  static const std::vector<std::string_view> columns = {
      "accuracy",                      // fraction of samples predicted right (with labels)
      "latency.total_cycles",          // cycles of the whole run
      "latency.seconds",               // simulated seconds of the whole run
      "latency.cycles_per_step",       // mean cycles per timestep
      "latency.seconds_per_step",      // mean simulated seconds per timestep
      "energy.total_pj",               // the whole run
      "energy.per_inference_pj",       // per sample
      "energy.per_synaptic_event_pj",  // total / synaptic events
      "sim.synaptic_events",           // spikes x non-zero fan-out (effective ACs)
      "sparsity.activation_sparsity",  // NeuroBench activation sparsity
      "sim.wall_seconds",              // simulator wall time (0 with --deterministic)
  };
  return columns;
}

std::optional<double> metric_of(const nlohmann::json& report, std::string_view path) {
  const nlohmann::json* j = &report;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string key(
        path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
    if (!j->is_object() || !j->contains(key)) return std::nullopt;
    j = &(*j)[key];
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (!j->is_number()) return std::nullopt;
  return j->get<double>();
}

}  // namespace sweep
