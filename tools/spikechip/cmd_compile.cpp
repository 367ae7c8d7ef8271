// spikechip compile MODEL.nir [--arch A] [--dt S] [-o OUT.scb] [--listing OUT.sasm]
#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <set>

#include "arch/weight_layout.h"
#include "cli.h"
#include "compiler/nir.h"
#include "inputs.h"
#include "isa/assembler.h"
#include "isa/error.h"
#include "isa/image.h"
#include "model_options.h"

namespace {

namespace po = boost::program_options;

// Listing comments: the compiler's per-instruction notes (NIR names) and the layer of each
// segment, projection and route.
isa::ListingAnnotator annotator(const compiler::CompileResult& r, const isa::ProgramImage& img) {
  return
      [&r, &img](const isa::CoreProgram& core, isa::ListingItem item, size_t index) -> std::string {
        size_t ci = 0;
        while (ci < img.cores.size() && img.cores[ci].core != core.core) ++ci;
        if (ci == img.cores.size()) return "";
        switch (item) {
          case isa::ListingItem::instruction:
            return index < r.code.comments[ci].size() ? r.code.comments[ci][index] : "";
          case isa::ListingItem::segment:
            return img.layers[core.segments[index].layer].name;
          case isa::ListingItem::projection: {
            const auto& p = core.projections[index];
            return fmt::format("{} -> {}", img.layers[p.source_layer].name,
                               img.layers[core.segments[p.segment].layer].name);
          }
          default:
            return "";
        }
      };
}

int run_compile(const std::vector<std::string>& args) {
  po::options_description opts("spikechip compile MODEL.nir [options]");
  cli::ModelOptions m;
  std::string model, output, listing;
  opts.add_options()("help,h", "show this help")("output,o", po::value<std::string>(&output),
                                                 "program image to write (.scb)")(
      "listing", po::value<std::string>(&listing), "readable assembly listing to write (.sasm)")(
      "model", po::value<std::string>(&model)->required(), "NIR model (.nir)");
  cli::add_model_options(opts, m);
  cli::InputOptions in;  // optional: the inputs the program will run, for the input fixed point
  cli::add_input_options(opts, in, false);
  po::positional_options_description pos;
  pos.add("model", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return cli::kExitOk;
  }
  po::notify(vm);
  cli::finish_model_options(m);
  for (const auto& [name, path] : {std::pair{"-o", output}, std::pair{"--listing", listing}}) {
    std::error_code ec;
    if (!path.empty() && std::filesystem::equivalent(path, model, ec))
      throw isa::InputError(
          fmt::format("{} {}: is the model itself (it would be overwritten)", name, path));
    // Both outputs must be writable before either is written: a listing that fails after the
    // image was written would leave the image behind.
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    if (!path.empty() && !folder.empty() && !std::filesystem::is_directory(folder, ec))
      throw isa::InputError(
          fmt::format("{} {}: the folder {} does not exist", name, path, folder.string()));
    if (!path.empty() && std::filesystem::is_directory(path, ec))
      throw isa::InputError(
          fmt::format("{} {}: is a folder, where compile writes a file", name, path));
  }
  if (!output.empty() && output == listing)
    throw isa::InputError(fmt::format("-o and --listing name the same file {}", output));
  std::optional<workloads::Frames> frames;
  cli::InputValues values;
  if (!in.input.empty())
    values = [&](const std::vector<uint32_t>& shape) {
      frames = cli::load_input(in, shape);
      return std::span<const float>(frames->values);
    };
  const cli::LoadedModel lm = cli::load_model(model, m, values);
  const auto& r = lm.compiled;
  if (!output.empty()) isa::save_image(lm.image, output);
  if (!listing.empty()) {
    const std::string text = isa::disassemble(lm.image, annotator(r, lm.image));
    isa::write_file_atomically(
        listing, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }
  uint64_t weights = 0;
  for (const auto& c : lm.image.cores) weights += c.weights.size();
  fmt::print(
      stderr,
      "{}: {} layers, {} segments on {} cores ({}x{} mesh, arch {}), {} weights, {} phases/step\n",
      model, r.net.layers.size(), r.mapping.segments.size(), r.mapping.logical_cores,
      lm.arch.config.mesh.x, lm.arch.config.mesh.y, lm.arch.config.name, weights,
      r.mapping.phases_per_step);
  fmt::print(stderr, "  {}\n", cli::describe_conventions(lm));
  for (uint32_t l = 1; l < r.mapping.fan_in_slices.size(); ++l) {
    if (r.mapping.fan_in_slices[l] <= 1) continue;
    uint32_t fan_in = 0;
    std::set<uint32_t> sources;
    for (const auto& p : r.net.layers[l].inputs)
      if (sources.insert(p.source).second) fan_in += r.net.layers[p.source].size;
    fmt::print(stderr,
               "  fan-in of '{}' ({} source neurons) split across {} cores (core fan_in {}): "
               "partial sums forwarded by PSUM\n",
               r.net.layers[l].name, fan_in, r.mapping.fan_in_slices[l],
               lm.arch.config.core.fan_in);
  }
  // The weight layouts, when the arch offers a choice (or anything but dense).
  const auto& layouts = lm.arch.config.core.weight_layouts;
  if (layouts.size() > 1 || layouts.at(0) != arch::WeightLayout::dense)
    for (size_t l = 1; l < r.net.layers.size(); ++l)
      for (const auto& p : r.net.layers[l].inputs)
        fmt::print(stderr, "  weights {} -> {}: {} ({})\n", r.net.layers[p.source].name,
                   r.net.layers[l].name, arch::layout_name(p.layout), p.layout_reason);
  for (const auto& q : r.quant)
    fmt::print(
        stderr,
        "  {:<20} scale 2^{:<4} weights {:>9} saturated {:>5} zeroed {:>5} max rel err {:.3g}\n",
        q.layer, static_cast<int>(std::log2(q.scale)), q.weights, q.saturated, q.zeroed,
        q.max_rel_error);
  return cli::kExitOk;
}

const bool registered = cli::register_verb(
    {"compile", "compile a NIR model to a program image (.scb) and listing (.sasm)", &run_compile});

}  // namespace
