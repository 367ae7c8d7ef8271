// A NIR graph as stored in a NIR HDF5 file (../shared/NIR.md §1), before any interpretation:
// node types and field names are NIR's exact strings, every numeric field is an Array of
// doubles. The compiler's import pass turns this into the IR (ir.h); nothing here knows
// about neurons or layers.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compiler/stored_matrix.h"

namespace compiler::nir {

// A numeric dataset, row-major. Rank 0 (empty `shape`) is HDF5's scalar dataspace.
// Integers (int64 shape fields) are stored as doubles too; `integer` records that the file
// stored an integer type, so a read → write round trip keeps int64 as int64.
struct Array {
  std::vector<int64_t> shape;
  std::vector<double> data;  // size() == product of shape (1 for a scalar)
  bool integer = false;
  // Set when read_file left the data in the file (ReadOptions::leave_in_file_elements): `data`
  // is empty until load() reads it; `shape` is known.
  std::shared_ptr<const StoredMatrix> stored;

  bool is_scalar() const { return shape.empty(); }
  int64_t size() const;  // number of elements: the product of shape
};

struct Graph;

struct Node {
  std::string name;  // the HDF5 group name: any UTF-8, may contain dots ("lif1.lif")
  std::string type;  // NIR class name, case-sensitive: "LIF", "Conv2d", "NIRGraph", ...
  std::map<std::string, Array> arrays;         // every numeric dataset, unknown ones included
  std::map<std::string, std::string> strings;  // string datasets other than `type` (Conv `padding`)
  std::shared_ptr<Graph> subgraph;             // set iff type == "NIRGraph"

  const Array* find(const std::string& key) const;  // nullptr when absent
};

struct Graph {
  std::string version;      // the file's `version` dataset; "" when absent (NIR <= 0.1.0)
  std::vector<Node> nodes;  // sorted by name (byte order): the file's order is meaningless
  // (source, target) node names, in file order. At top level an endpoint may also be
  // "<subgraph>.<port>" naming an Input/Output node inside a nested NIRGraph node.
  std::vector<std::pair<std::string, std::string>> edges;

  const Node* find(const std::string& name) const;  // nullptr when absent
};

// The version string write_file records unless the graph has its own (NIR's newest release).
inline constexpr const char* kWriterVersion = "1.0.7";

struct ReadOptions {
  // Numeric datasets of rank >= 2 with at least this many elements stay in the file
  // (Array::stored) instead of being read; 0 reads everything. Their type, filters and shape
  // are checked as if they were read.
  int64_t leave_in_file_elements = 0;
  // Read the file's structure in a forked child first (isa/contained.h): libhdf5 1.10 crashes
  // or loops on some corrupt files, which must end in InputError (exit 2), not a signal.
  bool read_in_child_first = true;
};

// Reads a NIR graph file. Throws isa::InputError naming the file, the HDF5 path of the
// problem and what was expected. Metadata groups (`metadata/`) are not read.
Graph read_file(const std::string& path, const ReadOptions& options = {});

// Reads an array's data left in the file (no-op when it is in memory).
void load(Array& a);

// Same, from an in-memory HDF5 file image; `display_name` stands for the file in messages.
Graph read_memory(const void* bytes, size_t size, const std::string& display_name);

// Writes the layout of NIR's Python writer: `version` (omitted when graph.version is empty),
// `node/{type,nodes/<name>/...,edges}`; arrays as float64 (int64 when Array::integer or when
// the field is one of NIR's integer fields and every value is integral), rank-0 arrays with a
// scalar dataspace; with `gzip`, non-scalar arrays are chunked and deflated at level 4.
// Writes to a temporary name and renames. Throws isa::InputError when the file cannot be
// written or the graph cannot be stored (a node name containing '/', a data/shape mismatch).
void write_file(const Graph& graph, const std::string& path, bool gzip = false);

// Inlines nested NIRGraph nodes, recursively: inner node "x" of subgraph node "s" becomes
// "s.x"; the subgraph's Input/Output nodes disappear and edges through them are rewired
// (predecessors of an Input port connect to its successors; same for Output ports).
// Throws isa::InputError when a renamed node collides with an existing name or an edge
// names a node that does not exist.
Graph flatten(const Graph& graph);

}  // namespace compiler::nir
