// spikechip asm FILE.sasm -o FILE.scb: assemble a text program into a binary image.
#include <iostream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <boost/program_options.hpp>

#include "cli.h"
#include "input_file.h"
#include "isa/assembler.h"
#include "isa/image.h"

namespace {

namespace po = boost::program_options;

int run_asm(const std::vector<std::string>& args) {
  po::options_description opts("spikechip asm FILE.sasm -o FILE.scb");
  std::string input, output;
  opts.add_options()("help,h", "show this help")(
      "output,o", po::value<std::string>(&output)->required(), "program image to write (.scb)")(
      "input", po::value<std::string>(&input)->required(), "assembly text (.sasm)");
  po::positional_options_description pos;
  pos.add("input", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return cli::kExitOk;
  }
  po::notify(vm);
  cli::require_regular_file(input, "the assembly text");
  const std::vector<uint8_t> bytes = isa::read_file_bytes(input);
  const isa::ProgramImage image = isa::assemble(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), input);
  isa::save_image(image, output);
  return cli::kExitOk;
}

const bool registered =
    cli::register_verb({"asm", "assemble a .sasm program into a .scb image", &run_asm});

}  // namespace
