// The Pareto front: a point is on it when no other point is at least as good in every objective
// and better in one (DESIGN.md §13).
#pragma once
#include <cstddef>
#include <vector>

namespace sweep {

// values[i][k]: point i's value of objective k; maximise[k] says which way k is better.
// Points with equal values do not dominate each other (both stay on the front).
std::vector<bool> pareto_front(const std::vector<std::vector<double>>& values,
                               const std::vector<bool>& maximise);

}  // namespace sweep
