#include "sweep/grid.h"

#include <algorithm>

namespace sweep {

std::vector<std::vector<size_t>> expand_grid(const Spec& spec) {
  // Dimensions: a lone axis, or a zip group at the place of its first axis.
  std::vector<std::vector<size_t>> dims;
  std::vector<bool> placed(spec.axes.size(), false);
  for (size_t a = 0; a < spec.axes.size(); ++a) {
    if (placed[a]) continue;
    std::vector<size_t> dim = {a};
    for (const auto& g : spec.zips)
      if (g[0] == a || std::find(g.begin(), g.end(), a) != g.end()) dim = g;
    for (size_t x : dim) placed[x] = true;
    dims.push_back(dim);
  }
  std::vector<std::vector<size_t>> points;
  std::vector<size_t> counter(dims.size(), 0);
  while (true) {
    std::vector<size_t> p(spec.axes.size(), 0);
    for (size_t d = 0; d < dims.size(); ++d)
      for (size_t a : dims[d]) p[a] = counter[d];
    points.push_back(std::move(p));
    size_t d = dims.size();
    while (d > 0) {  // odometer: the last dimension fastest
      --d;
      if (++counter[d] < spec.axes[dims[d][0]].values.size()) break;
      counter[d] = 0;
      if (d == 0) return points;
    }
    if (dims.empty()) return points;
  }
}

}  // namespace sweep
