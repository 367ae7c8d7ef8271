// The small accessors of the NIR graph model.
#include "compiler/nir.h"

namespace compiler::nir {

int64_t Array::size() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

const Array* Node::find(const std::string& key) const {
  auto it = arrays.find(key);
  return it == arrays.end() ? nullptr : &it->second;
}

const Node* Graph::find(const std::string& name) const {
  for (const Node& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

}  // namespace compiler::nir
