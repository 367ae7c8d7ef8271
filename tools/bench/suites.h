// The workloads of each suite, and SANA-FE's published figures for the sanafe suite.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "workload.h"

namespace bench {

// suite: "speed", "sanafe" or "all"; quick: the small subset (under a minute in all).
// shared_data: the ../shared/data folder (conv_s1 is skipped when it is absent).
std::vector<Workload> make_suite(const std::string& suite, bool quick,
                                 const std::string& shared_data);

// SANA-FE 8951ab0 on its own network of the same name (issue 11's table), when there is one.
struct SanafeFigures {
  double whole_run_seconds, simulate_seconds, synaptic_events, peak_rss_bytes;
};
std::optional<SanafeFigures> sanafe_figures(const std::string& workload_name);

}  // namespace bench
