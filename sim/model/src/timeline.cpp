#include "simmodel/timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "isa/error.h"

namespace sim {

// ---- bounds ------------------------------------------------------------------------------

bool TraceBounds::has_sample(uint32_t s) const {
  return samples.empty() || std::binary_search(samples.begin(), samples.end(), s);
}

bool TraceBounds::has_core(uint32_t c) const {
  return cores.empty() || std::binary_search(cores.begin(), cores.end(), c);
}

namespace {

bool parse_u32(std::string_view s, uint32_t& v) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

void parse_trace_steps(const std::string& text, const std::string& option, TraceBounds& b) {
  const auto bad = [&] {
    return isa::InputError(fmt::format(
        "{} '{}': expected A:B (steps A to B-1), A:, :B or a single step A", option, text));
  };
  const size_t colon = text.find(':');
  if (colon == std::string::npos) {
    uint32_t a = 0;
    if (!parse_u32(text, a) || a == UINT32_MAX) throw bad();
    b.step_begin = a;
    b.step_end = a + 1;
    return;
  }
  const std::string_view lo = std::string_view(text).substr(0, colon);
  const std::string_view hi = std::string_view(text).substr(colon + 1);
  uint32_t a = 0, e = UINT32_MAX;
  if (!lo.empty() && !parse_u32(lo, a)) throw bad();
  if (!hi.empty() && !parse_u32(hi, e)) throw bad();
  if (lo.empty() && hi.empty()) throw bad();
  if (e <= a)
    throw isa::InputError(fmt::format(
        "{} '{}': the range is empty (B must be above A; B is excluded)", option, text));
  b.step_begin = a;
  b.step_end = e;
}

std::vector<uint32_t> parse_index_list(const std::string& text, const std::string& option) {
  std::vector<uint32_t> out;
  const auto bad = [&](std::string_view item) {
    return isa::InputError(
        fmt::format("{} '{}': '{}' is not an index or a range N-M (expected e.g. 0,3,5-7)", option,
                    text, item));
  };
  size_t at = 0;
  while (at <= text.size()) {
    const size_t comma = std::min(text.find(',', at), text.size());
    const std::string_view item = std::string_view(text).substr(at, comma - at);
    const size_t dash = item.find('-');
    uint32_t a = 0, e = 0;
    if (dash == std::string_view::npos) {
      if (!parse_u32(item, a)) throw bad(item);
      e = a;
    } else if (!parse_u32(item.substr(0, dash), a) || !parse_u32(item.substr(dash + 1), e) ||
               e < a) {
      throw bad(item);
    }
    for (uint64_t v = a; v <= e; ++v) out.push_back(static_cast<uint32_t>(v));
    at = comma + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// ---- recording ---------------------------------------------------------------------------

Timeline::Timeline(const isa::ProgramImage& image, const arch::ArchConfig& arch, TraceBounds bounds)
    : bounds_(std::move(bounds)),
      mesh_x_(std::max<uint32_t>(arch.mesh.x, 1)),
      n_cores_(std::max<uint32_t>(arch.mesh.x, 1) * std::max<uint32_t>(arch.mesh.y, 1)),
      cycles_per_us_(arch.clock_hz > 0 ? arch.clock_hz / 1e6 : 1e3),
      core_layers_(n_cores_),
      has_program_(n_cores_, 0),
      host_latency_(arch.host_latency_cycles) {
  for (const isa::LayerInfo& l : image.layers) layer_names_.push_back(l.name);
  for (const isa::CoreProgram& c : image.cores) {
    if (c.core >= n_cores_) continue;
    has_program_[c.core] = 1;
    for (const isa::Segment& s : c.segments) {
      auto& v = core_layers_[c.core];
      if (std::find(v.begin(), v.end(), s.layer) == v.end()) v.push_back(s.layer);
    }
  }
}

void Timeline::step(uint32_t sample, uint32_t step, uint64_t begin, uint64_t end) {
  steps_.push_back({sample, step, begin, end});
  for (auto it = phases_.rbegin(); it != phases_.rend() && it->sample == UINT32_MAX; ++it)
    it->sample = sample;
}

void Timeline::phase(uint32_t step, uint32_t phase, uint64_t start, uint64_t release) {
  phases_.push_back({UINT32_MAX, step, phase, start, release});
}

void Timeline::controller_run(uint32_t core, uint64_t begin, uint64_t end) {
  ctrl_.push_back({core, CtrlState::run, UINT32_MAX, begin, end, 0});
}

void Timeline::controller_busy(uint32_t core, TraceBusy kind, uint32_t layer, uint64_t begin,
                               uint64_t end, uint64_t count) {
  ctrl_.push_back({core, kind == TraceBusy::update ? CtrlState::update : CtrlState::send, layer,
                   begin, end, count});
}

void Timeline::barrier_wait(uint32_t core, uint64_t begin, uint64_t end) {
  ctrl_.push_back({core, CtrlState::barrier_wait, UINT32_MAX, begin, end, 0});
}

void Timeline::integration(uint32_t core, const TraceIntegration& t) {
  integ_.push_back({core, t});
}

void Timeline::delivery(uint32_t source, uint32_t dest, uint32_t layer, TracePacket kind,
                        uint64_t inject, uint64_t arrival, uint64_t contention,
                        uint64_t service_start) {
  // A flow needs both ends' tracks: the host's always exist, a core's when it is traced.
  if ((source != n_cores_ && !bounds_.has_core(source)) ||
      (dest != n_cores_ && !bounds_.has_core(dest)))
    return;
  deliveries_.push_back({source, dest, layer, kind, inject, arrival, contention, service_start});
}

void Timeline::port_busy(uint32_t router, uint32_t port, uint64_t begin, uint64_t end) {
  if (bounds_.has_core(router)) ports_.push_back({router, port, begin, end});
}

uint64_t Timeline::events() const {
  return ctrl_.size() + integ_.size() + deliveries_.size() + ports_.size() + phases_.size() +
         steps_.size();
}

std::vector<uint32_t> Timeline::traced_cores() const {
  std::vector<uint32_t> v;
  for (uint32_t c = 0; c < n_cores_; ++c)
    if (has_program_[c] && bounds_.has_core(c)) v.push_back(c);
  return v;
}

// ---- shared helpers ----------------------------------------------------------------------

namespace {

const char* packet_kind(TracePacket k) {
  switch (k) {
    case TracePacket::site:
      return "site";
    case TracePacket::psum:
      return "psum";
    default:
      return "spike";
  }
}

// A value over time from +1/-1 steps: (cycle, value) at every cycle where it changes.
std::vector<std::pair<uint64_t, int64_t>> level_of(std::vector<std::pair<uint64_t, int>> deltas) {
  std::sort(deltas.begin(), deltas.end());
  std::vector<std::pair<uint64_t, int64_t>> out;
  int64_t v = 0;
  for (size_t k = 0; k < deltas.size();) {
    const uint64_t t = deltas[k].first;
    for (; k < deltas.size() && deltas[k].first == t; ++k) v += deltas[k].second;
    if (out.empty() || out.back().second != v) out.push_back({t, v});
  }
  return out;
}

// The union of intervals (sorted by begin on return).
std::vector<std::pair<uint64_t, uint64_t>> merged(std::vector<std::pair<uint64_t, uint64_t>> v) {
  std::sort(v.begin(), v.end());
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const auto& [b, e] : v) {
    if (e <= b) continue;
    if (!out.empty() && b <= out.back().second)
      out.back().second = std::max(out.back().second, e);
    else
      out.push_back({b, e});
  }
  return out;
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      o += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      o += c;
    }
  }
  return o;
}

// Slices of one track, properly nested or disjoint, as (begin, end, code): the value of the
// track over time is the innermost slice's code (0 outside every slice).
struct Coded {
  uint64_t begin, end;
  uint32_t code;
};
std::vector<std::pair<uint64_t, uint32_t>> nested_values(std::vector<Coded> s) {
  std::sort(s.begin(), s.end(), [](const Coded& a, const Coded& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;  // outer first
  });
  std::vector<std::pair<uint64_t, uint32_t>> out;
  std::vector<Coded> stack;
  const auto pop_until = [&](uint64_t t) {
    while (!stack.empty() && stack.back().end <= t) {
      const uint64_t e = stack.back().end;
      stack.pop_back();
      out.push_back({e, stack.empty() ? 0 : stack.back().code});
    }
  };
  for (const Coded& c : s) {
    pop_until(c.begin);
    stack.push_back(c);
    out.push_back({c.begin, c.code});
  }
  pop_until(UINT64_MAX);
  return out;
}

}  // namespace

// ---- Chrome trace-event JSON -------------------------------------------------------------
//
// Processes: 1 "chip" (steps, phases, barriers), 2 "host" (input and output tracks), 10 + y
// "mesh row y" (its cores). Threads of core c: 1000 + 4c controller, + 1 pipeline, + 2 input
// queue stalls. Counters (per row process): input-queue depth per core, busy output ports per
// router. Times are simulated microseconds: cycles / clock_hz * 1e6.

std::string Timeline::perfetto_json() const {
  std::string o;
  o.reserve(256 + events() * 160);
  o +=
      "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"spikechip\"},\"traceEvents\":[\n";
  bool first = true;
  const auto ev = [&](const std::string& body) {
    if (!first) o += ",\n";
    first = false;
    o += '{';
    o += body;
    o += '}';
  };
  const auto us = [&](uint64_t cycles) {
    return fmt::format("{}", static_cast<double>(cycles) / cycles_per_us_);
  };
  const auto tid_of = [](uint32_t core, uint32_t lane) { return 1000 + 4 * core + lane; };
  const auto pid_of = [&](uint32_t core) { return 10 + core / mesh_x_; };
  const auto layer_name = [&](uint32_t l) {
    return json_escape(l < layer_names_.size() ? layer_names_[l] : fmt::format("layer {}", l));
  };
  const auto slice = [&](uint32_t pid, uint32_t tid, const std::string& cat,
                         const std::string& name, uint64_t b, uint64_t e, const std::string& args) {
    ev(fmt::format(
        R"("ph":"X","pid":{},"tid":{},"cat":"{}","name":"{}","ts":{},"dur":{},"args":{{{}}})", pid,
        tid, cat, name, us(b), us(e - b), args));
  };
  const auto meta = [&](uint32_t pid, int64_t tid, const char* what, const std::string& name) {
    if (tid < 0)
      ev(fmt::format(R"("ph":"M","pid":{},"name":"{}","args":{{"name":"{}"}})", pid, what, name));
    else
      ev(fmt::format(R"("ph":"M","pid":{},"tid":{},"name":"{}","args":{{"name":"{}"}})", pid, tid,
                     what, name));
  };
  const auto sort_meta = [&](uint32_t pid, int64_t tid, int64_t index) {
    if (tid < 0)
      ev(fmt::format(R"("ph":"M","pid":{},"name":"process_sort_index","args":{{"sort_index":{}}})",
                     pid, index));
    else
      ev(fmt::format(
          R"("ph":"M","pid":{},"tid":{},"name":"thread_sort_index","args":{{"sort_index":{}}})",
          pid, tid, index));
  };

  // Metadata: names and order.
  meta(1, -1, "process_name", "chip");
  sort_meta(1, -1, 0);
  meta(1, 1, "thread_name", "steps and phases");
  meta(2, -1, "process_name", "host interface");
  sort_meta(2, -1, 1);
  meta(2, 2, "thread_name", "host: input injected");
  meta(2, 3, "thread_name", "host: output received");
  const std::vector<uint32_t> cores = traced_cores();
  std::vector<uint8_t> row_named(n_cores_ / mesh_x_ + 1, 0);
  for (uint32_t c : cores) {
    const uint32_t y = c / mesh_x_, x = c % mesh_x_;
    if (!row_named[y]) {
      meta(pid_of(c), -1, "process_name", fmt::format("mesh row y={}", y));
      sort_meta(pid_of(c), -1, 2 + y);
      row_named[y] = 1;
    }
    std::string layers;
    for (uint32_t l : core_layers_[c]) layers += (layers.empty() ? "" : ", ") + layer_name(l);
    const std::string base = fmt::format("core ({},{}) \u2014 {}", x, y, layers);
    meta(pid_of(c), tid_of(c, 0), "thread_name", base + " \u00b7 controller");
    meta(pid_of(c), tid_of(c, 1), "thread_name", base + " \u00b7 pipeline");
    meta(pid_of(c), tid_of(c, 2), "thread_name", base + " \u00b7 input queue");
    for (uint32_t lane = 0; lane < 3; ++lane)
      sort_meta(pid_of(c), tid_of(c, lane), int64_t{4} * x + lane);
  }

  // Steps and phases (nested slices on the chip track), barriers as instants.
  for (const Step& s : steps_)
    slice(1, 1, "step", fmt::format("sample {} step {}", s.sample, s.step), s.begin, s.end,
          fmt::format(R"("sample":{},"step":{},"cycles":{})", s.sample, s.step, s.end - s.begin));
  for (const Phase& p : phases_) {
    slice(1, 1, "phase", fmt::format("phase {}", p.phase), p.start, p.release,
          fmt::format(R"("step":{},"phase":{},"cycles":{})", p.step, p.phase, p.release - p.start));
    ev(fmt::format(
        R"("ph":"i","s":"g","pid":1,"tid":1,"cat":"barrier","name":"barrier release","ts":{},"args":{{"step":{},"phase":{}}})",
        us(p.release), p.step, p.phase));
  }
  for (const Step& s : steps_)
    ev(fmt::format(
        R"("ph":"i","s":"g","pid":1,"tid":1,"cat":"step","name":"step {} begins","ts":{},"args":{{"sample":{},"step":{}}})",
        s.step, us(s.begin), s.sample, s.step));

  // Controller tracks: run slices with update/send nested, barrier waits beside them. Sorted
  // outer first so viewers nest them.
  std::vector<CtrlSlice> ctrl = ctrl_;
  std::stable_sort(ctrl.begin(), ctrl.end(), [](const CtrlSlice& a, const CtrlSlice& b) {
    if (a.core != b.core) return a.core < b.core;
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  for (const CtrlSlice& s : ctrl) {
    const uint32_t pid = pid_of(s.core), tid = tid_of(s.core, 0);
    switch (s.kind) {
      case CtrlState::run:
        slice(pid, tid, "core", "run", s.begin, s.end, "");
        break;
      case CtrlState::update:
        slice(pid, tid, "core", "update " + layer_name(s.layer), s.begin, s.end,
              fmt::format(R"("layer":"{}","spikes":{})", layer_name(s.layer), s.count));
        break;
      case CtrlState::send:
        slice(pid, tid, "core", "send " + layer_name(s.layer), s.begin, s.end,
              fmt::format(R"("layer":"{}","packets":{})", layer_name(s.layer), s.count));
        break;
      default:
        slice(pid, tid, "stall", "stall: barrier_wait", s.begin, s.end, "");
        break;
    }
  }

  // Pipeline tracks: one slice per packet served; queue-full waits (merged) on the input track.
  std::map<uint32_t, std::vector<std::pair<uint64_t, uint64_t>>> waits;
  std::map<uint32_t, std::vector<std::pair<uint64_t, int>>> depth;
  for (const Integration& i : integ_) {
    const TraceIntegration& t = i.t;
    slice(
        pid_of(i.core), tid_of(i.core, 1), "core",
        fmt::format("integrate {}{}", layer_name(t.layer),
                    t.kind == TracePacket::spike ? "" : fmt::format(" ({})", packet_kind(t.kind))),
        t.start, t.end,
        fmt::format(
            R"("layer":"{}","kind":"{}","arrival_cycle":{},"queue_full_cycles":{},"queued_cycles":{},"bank_conflict_cycles":{},"noc_stall_cycles":{})",
            layer_name(t.layer), packet_kind(t.kind), t.arrival, t.accept - t.arrival,
            t.start - t.accept, t.bank_conflict, t.noc_stall));
    if (t.accept > t.arrival) waits[i.core].push_back({t.arrival, t.accept});
    depth[i.core].push_back({t.accept, +1});
    depth[i.core].push_back({t.start, -1});
  }
  for (auto& [core, v] : waits)
    for (const auto& [b, e] : merged(std::move(v)))
      slice(pid_of(core), tid_of(core, 2), "stall", "stall: queue_full", b, e, "");

  // Counters.
  for (auto& [core, d] : depth)
    for (const auto& [t, v] : level_of(std::move(d)))
      ev(fmt::format(
          R"#("ph":"C","pid":{},"name":"queue depth ({},{})","ts":{},"args":{{"packets":{}}})#",
          pid_of(core), core % mesh_x_, core / mesh_x_, us(t), v));
  std::map<uint32_t, std::vector<std::pair<uint64_t, int>>> busy;
  for (const PortBusy& p : ports_) {
    busy[p.router].push_back({p.begin, +1});
    busy[p.router].push_back({p.end, -1});
  }
  for (auto& [r, d] : busy)
    for (const auto& [t, v] : level_of(std::move(d)))
      ev(fmt::format(
          R"#("ph":"C","pid":{},"name":"router ({},{}) ports busy","ts":{},"args":{{"ports":{}}})#",
          pid_of(r), r % mesh_x_, r / mesh_x_, us(t), v));

  // Packets: a flow from the sender's track (the SEND slice holding its injection; the host's
  // one-cycle injection slice) to the receiver's (the integration slice; the host's one-cycle
  // reception slice). The host injects one packet per cycle, so its slices never overlap.
  std::vector<uint64_t> host_in;
  for (const Delivery& d : deliveries_)
    if (d.source == n_cores_) host_in.push_back(d.inject);
  std::sort(host_in.begin(), host_in.end());
  host_in.erase(std::unique(host_in.begin(), host_in.end()), host_in.end());
  for (uint64_t t : host_in) slice(2, 2, "host", "inject", t, t + 1, "");
  uint64_t id = 0;
  for (const Delivery& d : deliveries_) {
    ++id;
    const bool from_host = d.source == n_cores_, to_host = d.dest == n_cores_;
    const uint32_t spid = from_host ? 2 : pid_of(d.source);
    const uint32_t stid = from_host ? 2 : tid_of(d.source, 0);
    ev(fmt::format(R"("ph":"s","id":{},"pid":{},"tid":{},"cat":"noc","name":"{} {}","ts":{})", id,
                   spid, stid, packet_kind(d.kind), layer_name(d.layer), us(d.inject)));
    if (to_host)
      slice(2, 3, "host", "receive " + layer_name(d.layer), d.arrival, d.arrival + 1,
            fmt::format(R"("contention_cycles":{})", d.contention));
    ev(fmt::format(
        R"("ph":"f","bp":"e","id":{},"pid":{},"tid":{},"cat":"noc","name":"{} {}","ts":{},"args":{{"inject_cycle":{},"arrival_cycle":{},"contention_cycles":{}}})",
        id, to_host ? 2 : pid_of(d.dest), to_host ? 3 : tid_of(d.dest, 1), packet_kind(d.kind),
        layer_name(d.layer), us(to_host ? d.arrival : d.service_start), d.inject, d.arrival,
        d.contention));
  }
  o += "\n]}\n";
  return o;
}

// ---- VCD ---------------------------------------------------------------------------------
//
// Timescale 1 ns = one cycle (the SystemC convention). Scopes: chip (sample, step, phase,
// barrier pulse), chip.core_N (ctrl, pipe, queue_full, queue_depth), chip.router_N
// (ports_busy), chip.layers (spikes_<layer>: spikes this step so far).

namespace {

struct VcdVar {
  std::string scope, name, id;
  uint32_t width;
};

std::string vcd_id(uint32_t k) {
  std::string s;
  do {
    s += static_cast<char>(33 + k % 94);
    k /= 94;
  } while (k);
  return s;
}

std::string vcd_name(const std::string& s) {
  std::string o;
  for (const char c : s) o += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  return o.empty() ? "_" : o;
}

std::string vcd_value(uint64_t v, uint32_t width, const std::string& id) {
  if (width == 1) return fmt::format("{}{}", v ? 1 : 0, id);
  return fmt::format("b{:b} {}", v, id);
}

}  // namespace

std::string Timeline::vcd() const {
  std::vector<VcdVar> vars;
  const auto add = [&](const std::string& scope, const std::string& name, uint32_t width) {
    vars.push_back({scope, name, vcd_id(static_cast<uint32_t>(vars.size())), width});
    return static_cast<uint32_t>(vars.size() - 1);
  };
  struct Change {
    uint64_t t;
    uint32_t var;
    uint64_t v;
  };
  std::vector<Change> ch;
  const uint32_t v_sample = add("", "sample", 32), v_step = add("", "step", 32),
                 v_phase = add("", "phase", 8), v_barrier = add("", "barrier", 1);
  for (const Step& s : steps_) {
    ch.push_back({s.begin, v_sample, s.sample});
    ch.push_back({s.begin, v_step, s.step});
  }
  for (const Phase& p : phases_) {
    ch.push_back({p.start, v_phase, p.phase});
    ch.push_back({p.release, v_barrier, 1});
    ch.push_back({p.release + 1, v_barrier, 0});
  }
  // Cores.
  std::map<uint32_t, std::vector<Coded>> ctrl, pipe;
  std::map<uint32_t, std::vector<std::pair<uint64_t, uint64_t>>> waits;
  std::map<uint32_t, std::vector<std::pair<uint64_t, int>>> depth;
  for (const CtrlSlice& s : ctrl_)
    ctrl[s.core].push_back({s.begin, s.end, static_cast<uint32_t>(s.kind)});
  for (const Integration& i : integ_) {
    const TraceIntegration& t = i.t;
    const PipeState code = t.kind == TracePacket::site   ? PipeState::site
                           : t.kind == TracePacket::psum ? PipeState::psum
                                                         : PipeState::spike;
    pipe[i.core].push_back({t.start, t.end, static_cast<uint32_t>(code)});
    if (t.accept > t.arrival) waits[i.core].push_back({t.arrival, t.accept});
    depth[i.core].push_back({t.accept, +1});
    depth[i.core].push_back({t.start, -1});
  }
  for (uint32_t c : traced_cores()) {
    const std::string scope = fmt::format("core_{}", c);
    const uint32_t vc = add(scope, "ctrl", 3), vp = add(scope, "pipe", 2),
                   vq = add(scope, "queue_full", 1), vd = add(scope, "queue_depth", 16);
    for (const auto& [t, v] : nested_values(std::move(ctrl[c]))) ch.push_back({t, vc, v});
    for (const auto& [t, v] : nested_values(std::move(pipe[c]))) ch.push_back({t, vp, v});
    for (const auto& [b, e] : merged(std::move(waits[c]))) {
      ch.push_back({b, vq, 1});
      ch.push_back({e, vq, 0});
    }
    for (const auto& [t, v] : level_of(std::move(depth[c])))
      ch.push_back({t, vd, static_cast<uint64_t>(v)});
  }
  // Routers.
  std::map<uint32_t, std::vector<std::pair<uint64_t, int>>> busy;
  for (const PortBusy& p : ports_) {
    busy[p.router].push_back({p.begin, +1});
    busy[p.router].push_back({p.end, -1});
  }
  for (uint32_t r = 0; r < n_cores_; ++r) {  // the routers of cores with a program, and any busy
    if (!bounds_.has_core(r) || (!has_program_[r] && busy[r].empty())) continue;
    const uint32_t v = add(fmt::format("router_{}", r), "ports_busy", 3);
    for (const auto& [t, n] : level_of(std::move(busy[r])))
      ch.push_back({t, v, static_cast<uint64_t>(n)});
  }
  // Layers: spikes this step so far, from the update slices' counts.
  std::vector<uint32_t> v_layer(layer_names_.size(), UINT32_MAX);
  std::vector<std::pair<uint64_t, std::pair<uint32_t, uint64_t>>> spikes;  // (end, (layer, n))
  for (const CtrlSlice& s : ctrl_)
    if (s.kind == CtrlState::update && s.layer < layer_names_.size())
      spikes.push_back({s.end, {s.layer, s.count}});
  for (const auto& [t, ln] : spikes)
    if (v_layer[ln.first] == UINT32_MAX)
      v_layer[ln.first] = add("layers", "spikes_" + vcd_name(layer_names_[ln.first]), 32);
  std::sort(spikes.begin(), spikes.end());
  {
    std::vector<uint64_t> sum(layer_names_.size(), 0);
    size_t k = 0;
    for (const Step& s : steps_) {  // steps are recorded in order
      for (uint32_t l = 0; l < sum.size(); ++l)
        if (v_layer[l] != UINT32_MAX) {
          sum[l] = 0;
          ch.push_back({s.begin, v_layer[l], 0});
        }
      for (; k < spikes.size() && spikes[k].first <= s.end; ++k) {
        const uint32_t l = spikes[k].second.first;
        sum[l] += spikes[k].second.second;
        ch.push_back({spikes[k].first, v_layer[l], sum[l]});
      }
    }
  }

  std::stable_sort(ch.begin(), ch.end(),
                   [](const Change& a, const Change& b) { return a.t < b.t; });
  std::string o;
  o.reserve(512 + vars.size() * 48 + ch.size() * 12);
  o += "$date\n  (simulated)\n$end\n$version\n  spikechip timeline\n$end\n";
  o += "$comment\n  1 ns = 1 clock cycle. ctrl: 0 idle, 1 run, 2 update, 3 send, 4 barrier_wait;"
       " pipe: 0 idle, 1 integrate, 2 site message, 3 partial sum\n$end\n";
  o += "$timescale 1ns $end\n$scope module chip $end\n";
  std::string open;
  for (const VcdVar& v : vars) {
    if (v.scope != open) {
      if (!open.empty()) o += "$upscope $end\n";
      if (!v.scope.empty()) o += fmt::format("$scope module {} $end\n", v.scope);
      open = v.scope;
    }
    o += fmt::format("$var wire {} {} {} $end\n", v.width, v.id, v.name);
  }
  if (!open.empty()) o += "$upscope $end\n";
  o += "$upscope $end\n$enddefinitions $end\n";
  std::vector<uint64_t> cur(vars.size(), 0);
  const uint64_t t0 = ch.empty() ? 0 : ch.front().t;
  size_t k = 0;
  // Initial values: zeros with the changes at t0 applied.
  for (; k < ch.size() && ch[k].t == t0; ++k) cur[ch[k].var] = ch[k].v;
  o += fmt::format("#{}\n$dumpvars\n", t0);
  for (size_t v = 0; v < vars.size(); ++v) o += vcd_value(cur[v], vars[v].width, vars[v].id) + "\n";
  o += "$end\n";
  std::vector<uint64_t> next = cur;
  std::vector<uint32_t> touched;
  while (k < ch.size()) {
    const uint64_t t = ch[k].t;
    touched.clear();
    for (; k < ch.size() && ch[k].t == t; ++k) {
      next[ch[k].var] = ch[k].v;
      touched.push_back(ch[k].var);
    }
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    bool stamped = false;
    for (uint32_t v : touched) {
      if (next[v] == cur[v]) continue;
      if (!stamped) o += fmt::format("#{}\n", t);
      stamped = true;
      cur[v] = next[v];
      o += vcd_value(cur[v], vars[v].width, vars[v].id) + "\n";
    }
  }
  return o;
}

}  // namespace sim
