// `spikechip inspect` for models: NIR graphs (nodes, types, shapes, edges) and .scb program
// images (cores, instruction counts, weights), as JSON.
#include <fmt/core.h>

#include <map>

#include "compiler/nir.h"
#include "inspect.h"
#include "isa/image.h"
#include "isa/table.h"
#include "report.h"

namespace {

// HDF5 files start with the signature \x89HDF\r\n\x1a\n; the events inspector claims those that
// hold spikes/times, so any other HDF5 file is read as a NIR graph.
bool is_nir(const std::string& path, const std::string& head) {
  (void)path;
  return head.rfind("\x89HDF\r\n\x1a\n", 0) == 0;
}

cli::Json shape_of(const compiler::nir::Node& n) {
  for (const char* key : {"shape", "input_type"})
    if (const auto* a = n.find(key)) {
      cli::Json s = cli::Json::array();
      for (double v : a->data) s.push_back(static_cast<int64_t>(v));
      return s;
    }
  if (const auto* w = n.find("weight")) return w->shape;
  return nullptr;
}

void add_graph(cli::Json& nodes, const compiler::nir::Graph& g, const std::string& prefix) {
  for (const auto& n : g.nodes) {
    cli::Json e = {{"name", prefix + n.name}, {"type", n.type}};
    cli::Json s = shape_of(n);
    if (!s.is_null()) e["shape"] = s;
    cli::Json arrays;
    for (const auto& [k, a] : n.arrays) arrays[k] = a.shape;
    if (!arrays.empty()) e["datasets"] = arrays;
    nodes.push_back(e);
    if (n.subgraph) add_graph(nodes, *n.subgraph, prefix + n.name + ".");
  }
}

std::string summarise_nir(const std::string& path) {
  const compiler::nir::Graph g = compiler::nir::read_file(path);
  cli::Json j;
  j["file"] = path;
  j["kind"] = "nir";
  j["version"] = g.version;
  std::map<std::string, int> types;
  cli::Json nodes = cli::Json::array();
  add_graph(nodes, g, "");
  for (const auto& n : nodes) ++types[n["type"].get<std::string>()];
  j["node_count"] = nodes.size();
  j["types"] = types;
  j["edges"] = g.edges.size();
  j["nodes"] = nodes;
  return j.dump(2);
}

bool is_scb(const std::string& path, const std::string& head) {
  (void)path;
  return head.rfind(std::string(isa::kImageMagic, 4), 0) == 0;
}

std::string summarise_scb(const std::string& path) {
  const isa::ProgramImage img = isa::load_image(path);
  cli::Json j;
  j["file"] = path;
  j["kind"] = "scb";
  j["format_version"] = isa::kImageFormatVersion;
  j["arch_hash"] = fmt::format("{:016x}", img.arch_hash);
  j["mesh"] = {img.mesh_x, img.mesh_y};
  j["semantics"] = img.semantics == isa::Semantics::pipelined ? "pipelined" : "layer_sequential";
  j["phases_per_step"] = img.phases_per_step;
  cli::Json layers = cli::Json::array();
  for (const auto& l : img.layers)
    layers.push_back({{"name", l.name},
                      {"shape", l.shape},
                      {"neurons", l.size},
                      {"role", l.is_input ? "input" : (l.is_output ? "output" : "hidden")}});
  j["layers"] = layers;
  uint64_t instructions = 0, weights = 0;
  std::map<std::string, uint64_t> by_mnemonic;
  cli::Json cores = cli::Json::array();
  for (const auto& c : img.cores) {
    instructions += c.code.size();
    weights += c.weights.size();
    for (const auto& in : c.code) ++by_mnemonic[std::string(isa::instr_info(in.op).mnemonic)];
    cores.push_back({{"core", c.core},
                     {"x", c.core % img.mesh_x},
                     {"y", c.core / img.mesh_x},
                     {"instructions", c.code.size()},
                     {"segments", c.segments.size()},
                     {"projections", c.projections.size()},
                     {"weights", c.weights.size()}});
  }
  j["cores_used"] = img.cores.size();
  j["instructions"] = instructions;
  j["weights"] = weights;
  j["instructions_by_mnemonic"] = by_mnemonic;
  j["cores"] = cores;
  return j.dump(2);
}

const bool registered_nir = cli::register_inspector({"nir", &is_nir, &summarise_nir});
const bool registered_scb = cli::register_inspector({"scb", &is_scb, &summarise_scb});

}  // namespace
