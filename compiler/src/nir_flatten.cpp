// Inlining of nested NIRGraph nodes (NIR.md §1.2: a subgraph's Input/Output nodes are its
// ports; parent edges name the subgraph node, or "<subgraph>.<port>").
#include <algorithm>
#include <set>

#include "compiler/nir.h"
#include "isa/error.h"

namespace compiler::nir {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw isa::InputError("flatten: " + what);
}

std::string edge_text(const std::pair<std::string, std::string>& e) {
  return "edge (" + e.first + ", " + e.second + ")";
}

// The one port of `type` (Input or Output) of subgraph node `sub`, by its flattened name.
std::string sole_port(const Node& sub, const std::string& type,
                      const std::pair<std::string, std::string>& edge) {
  std::vector<std::string> ports;
  for (const Node& n : sub.subgraph->nodes)
    if (n.type == type) ports.push_back(sub.name + "." + n.name);
  if (ports.size() != 1)
    fail(edge_text(edge) + ": subgraph '" + sub.name + "' has " + std::to_string(ports.size()) +
         " " + type + " nodes (expected one; name it as '" + sub.name + ".<port>')");
  return ports.front();
}

// Removes node `port` by connecting each of its predecessors to each of its successors.
void bypass(std::vector<std::pair<std::string, std::string>>& edges, const std::string& port) {
  std::vector<std::string> preds, succs;
  std::vector<std::pair<std::string, std::string>> kept;
  size_t first = edges.size();  // where the port's first edge was: keeps the order stable
  for (size_t i = 0; i < edges.size(); ++i) {
    const auto& [src, dst] = edges[i];
    if (src != port && dst != port) {
      kept.push_back(edges[i]);
      continue;
    }
    first = std::min(first, kept.size());
    if (dst == port && src != port) preds.push_back(src);
    if (src == port && dst != port) succs.push_back(dst);
  }
  std::vector<std::pair<std::string, std::string>> through;
  for (const std::string& p : preds)
    for (const std::string& s : succs) through.emplace_back(p, s);
  kept.insert(kept.begin() + static_cast<std::ptrdiff_t>(std::min(first, kept.size())),
              through.begin(), through.end());
  edges = std::move(kept);
}

}  // namespace

Graph flatten(const Graph& graph) {
  Graph out;
  out.version = graph.version;
  std::set<std::string> names;
  std::vector<std::string> ports;  // inner Input/Output nodes, to be bypassed
  std::vector<std::pair<std::string, std::string>> inner_edges;
  auto add = [&](Node n) {
    if (!names.insert(n.name).second) fail("two nodes are named '" + n.name + "'");
    out.nodes.push_back(std::move(n));
  };
  for (const Node& node : graph.nodes) {
    if (node.type != "NIRGraph") {
      add(node);
      continue;
    }
    if (!node.subgraph) fail("NIRGraph node '" + node.name + "' has no subgraph");
    Graph inner = flatten(*node.subgraph);
    for (Node& n : inner.nodes) {
      n.name = node.name + "." + n.name;
      if (n.type == "Input" || n.type == "Output") ports.push_back(n.name);
      add(std::move(n));
    }
    for (const auto& [src, dst] : inner.edges)
      inner_edges.emplace_back(node.name + "." + src, node.name + "." + dst);
  }
  // Parent edges: a bare subgraph name stands for its Input (as target) or Output (as source).
  for (const auto& edge : graph.edges) {
    auto resolve = [&](const std::string& name, const char* port_type) {
      const Node* n = graph.find(name);
      if (n && n->type == "NIRGraph" && n->subgraph) return sole_port(*n, port_type, edge);
      if (!names.count(name)) fail(edge_text(edge) + ": no node named '" + name + "'");
      return name;
    };
    out.edges.emplace_back(resolve(edge.first, "Output"), resolve(edge.second, "Input"));
  }
  out.edges.insert(out.edges.end(), inner_edges.begin(), inner_edges.end());
  for (const std::string& port : ports) bypass(out.edges, port);
  std::set<std::string> gone(ports.begin(), ports.end());
  std::erase_if(out.nodes, [&](const Node& n) { return gone.count(n.name) > 0; });
  std::sort(out.nodes.begin(), out.nodes.end(),
            [](const Node& a, const Node& b) { return a.name < b.name; });
  return out;
}

}  // namespace compiler::nir
