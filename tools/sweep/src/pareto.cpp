#include "sweep/pareto.h"

namespace sweep {

std::vector<bool> pareto_front(const std::vector<std::vector<double>>& values,
                               const std::vector<bool>& maximise) {
  const size_t n = values.size();
  std::vector<bool> front(n, true);
  // a dominates b: a is at least as good in every objective and better in one.
  const auto dominates = [&](const std::vector<double>& a, const std::vector<double>& b) {
    bool better = false;
    for (size_t k = 0; k < maximise.size(); ++k) {
      const double x = maximise[k] ? a[k] : -a[k], y = maximise[k] ? b[k] : -b[k];
      if (x < y) return false;
      if (x > y) better = true;
    }
    return better;
  };
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n && front[i]; ++j)
      if (j != i && dominates(values[j], values[i])) front[i] = false;
  return front;
}

}  // namespace sweep
