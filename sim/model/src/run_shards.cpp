#include "simmodel/run_shards.h"

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace sim {

SampleRange shard_range(uint32_t samples, uint32_t shard, uint32_t shards) {
  const auto at = [&](uint32_t k) { return static_cast<uint32_t>(uint64_t{samples} * k / shards); };
  return {at(shard), at(shard + 1)};
}

namespace {

// The fields of an element that is not plain bytes, in one order for both directions (T is
// const when writing).
template <class IO, class T>
void element(IO& io, T& x) {
  using U = std::remove_const_t<T>;
  if constexpr (std::is_same_v<U, SampleResult>) {
    io.vec(x.output_counts);
    io.pod(x.predicted);
    io.pod(x.start_cycle);
    io.pod(x.cycles);
    io.vec(x.step_cycles);
  } else if constexpr (std::is_same_v<U, isa::SpikeFrame>) {
    io.vec(x.index);
    io.vec(x.payload);
  } else if constexpr (std::is_same_v<U, ProbeTrace>) {
    io.pod(x.probe.layer);
    io.vec(x.probe.neurons);
    io.vec(x.values);
  } else {
    io.vec(x);  // a nested vector
  }
}

// Plain little-endian-as-the-host bytes: both ends are the same binary on the same machine.
class Writer {
 public:
  template <class T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    pod(static_cast<uint64_t>(v.size()));
    if constexpr (std::is_trivially_copyable_v<T>)
      out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    else
      for (const T& x : v) element(*this, x);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <class T>
  void pod(T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof v);
    std::memcpy(&v, in_.data() + at_, sizeof v);
    at_ += sizeof v;
  }
  template <class T>
  void vec(std::vector<T>& v) {
    uint64_t n = 0;
    pod(n);
    if constexpr (std::is_trivially_copyable_v<T>) {
      if (n > (in_.size() - at_) / sizeof(T)) throw std::runtime_error("run shard: truncated");
      v.resize(n);
      std::memcpy(v.data(), in_.data() + at_, n * sizeof(T));
      at_ += n * sizeof(T);
    } else {
      if (n > in_.size() - at_) throw std::runtime_error("run shard: truncated");
      v.resize(n);
      for (T& x : v) element(*this, x);
    }
  }
  bool done() const { return at_ == in_.size(); }

 private:
  void need(size_t n) {
    if (in_.size() - at_ < n) throw std::runtime_error("run shard: truncated");
  }
  std::string_view in_;
  size_t at_ = 0;
};

// Every field that a shard fills, in one order for both directions. Energy is not sent: the
// join computes it from the joined counters.
template <class IO, class R>
void fields(IO& io, R& r) {
  io.vec(r.samples);
  io.vec(r.output_layers);
  io.vec(r.core_ids);
  io.vec(r.cores);
  io.vec(r.layers);
  io.pod(r.noc);
  io.vec(r.links);
  io.pod(r.synaptic_events);
  io.pod(r.stopped_early);
  io.vec(r.layer_spikes);
  io.vec(r.probes);
  io.vec(r.step_layers);
}

}  // namespace

std::string serialise(const RunResult& r) {
  Writer w;
  fields(w, r);
  return w.take();
}

RunResult deserialise(std::string_view bytes) {
  RunResult r;
  Reader rd(bytes);
  fields(rd, r);
  if (!rd.done()) throw std::runtime_error("run shard: trailing bytes");
  return r;
}

RunResult join_shards(std::vector<RunResult> shards, const arch::ArchConfig& arch,
                      double wall_seconds) {
  if (shards.empty()) throw std::logic_error("join_shards: no shards");
  RunResult r = std::move(shards.front());
  for (size_t k = 1; k < shards.size(); ++k) {
    RunResult& s = shards[k];
    if (s.core_ids != r.core_ids || s.layers.size() != r.layers.size() ||
        s.links.size() != r.links.size())
      throw std::logic_error("join_shards: shards of different programs");
    if (r.stopped_early) break;  // a run stops at its first stop: later samples never ran
    for (SampleResult& x : s.samples) r.samples.push_back(std::move(x));
    for (size_t c = 0; c < r.cores.size(); ++c) r.cores[c] += s.cores[c];
    for (size_t l = 0; l < r.layers.size(); ++l) r.layers[l] += s.layers[l];
#define SIM_X(m, doc, unit) r.noc.m += s.noc.m;
    SIM_NOC_FIELDS(SIM_X)
#undef SIM_X
    for (size_t k = 0; k < r.links.size(); ++k) r.links[k] += s.links[k];
    r.synaptic_events += s.synaptic_events;
    r.stopped_early = s.stopped_early;
    for (auto& x : s.layer_spikes) r.layer_spikes.push_back(std::move(x));
    for (auto& x : s.step_layers) r.step_layers.push_back(std::move(x));
    for (size_t p = 0; p < r.probes.size() && p < s.probes.size(); ++p)
      for (auto& x : s.probes[p].values) r.probes[p].values.push_back(std::move(x));
  }
  // Back to back on one chip: each sample starts where the one before it ended.
  uint64_t now = 0;
  r.total_cycles = 0;
  for (SampleResult& s : r.samples) {
    s.start_cycle = now;
    now += s.cycles;
    r.total_cycles += s.cycles;
  }
  r.seconds = arch.clock_hz > 0 ? static_cast<double>(r.total_cycles) / arch.clock_hz : 0;
  r.wall_seconds = wall_seconds;
  r.energy = compute_energy(r, arch);
  return r;
}

}  // namespace sim
