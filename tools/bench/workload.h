// The generated networks and inputs of the benchmark suites (seeded: the same files every run).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

enum class Kind {
  fc,         // Input → [Linear → IF] × layers, dense-at-density weights
  recurrent,  // as fc, the first hidden layer also feeds itself through a Linear
  conv,       // Input CHW → [Conv2d 3x3 pad 1 → IF] × layers
  file,       // an existing NIR file and input (conv_s1)
  trained,    // a trained network of workloads/trained/: its own options, labels, T and samples
};

struct Workload {
  std::string name;
  std::string suite;  // "speed", "sanafe" or "trained"
  Kind kind = Kind::fc;
  std::vector<int64_t> sizes;  // fc/recurrent: widths incl. input; conv: {C, H, W, c1, c2, ...}
  double density = 1.0;        // fraction of non-zero weights (fc/recurrent)
  double threshold = 16.0;     // IF v_threshold (r = 1, v_reset = 0, --dt 1)
  double input_rate = 0.1;     // fraction of input neurons spiking per step
  int64_t timesteps = 100;
  int64_t samples = 1;  // Kind::trained: samples in the input file
  std::string semantics = "pipelined";
  std::string arch;       // "" (the default chip) or a preset name: `--arch` of run and golden
  std::string conv_mode;  // "" (vanilla) or "sparse": `--conv-mode` of run and golden (conv)
  std::vector<std::string> sets;       // --set key=value for both run and golden (mesh, capacities)
  std::string model_path, input_path;  // Kind::file, or filled by generate()
  std::string labels_path;             // Kind::trained: the labels (run and golden score them)
  std::vector<std::string> options;    // Kind::trained: run/golden options as trained
  int threads = 0;                     // --threads of run and golden (0: the default)
  int64_t synapses = 0;                // non-zero connections; filled by generate() (file: given)
  int64_t neurons = 0;                 // all neurons incl. the input layer
  std::string note;                    // what the row is for (slope pairs, SANA-FE row)
  uint64_t seed = 1;
};

// Writes the network (NIR) and its input (NPY uint8 [T, *shape]) under `dir` unless already
// there from an earlier invocation with the same name; fills model_path, input_path, synapses
// and neurons. Network files are keyed by network only, inputs by network and rate, so rows
// differing in rate or mesh share one network file.
void generate(Workload& w, const std::string& dir);

}  // namespace bench
