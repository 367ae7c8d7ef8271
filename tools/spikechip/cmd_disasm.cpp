// spikechip disasm FILE.scb [-o FILE.sasm]: print a binary image as assembly text.
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

int run_disasm(const std::vector<std::string>& args) {
  po::options_description opts("spikechip disasm FILE.scb [-o FILE.sasm]");
  std::string input, output;
  opts.add_options()("help,h", "show this help")("output,o", po::value<std::string>(&output),
                                                 "assembly text to write (default: stdout)")(
      "input", po::value<std::string>(&input)->required(), "program image (.scb)");
  po::positional_options_description pos;
  pos.add("input", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return cli::kExitOk;
  }
  po::notify(vm);
  cli::require_regular_file(input, "the program image");
  const std::string text = isa::disassemble(isa::load_image(input));
  if (output.empty()) {
    std::cout << text;
    std::cout.flush();
    return std::cout ? cli::kExitOk : cli::kExitInternal;
  }
  isa::write_file_atomically(output,
                             std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  return cli::kExitOk;
}

const bool registered =
    cli::register_verb({"disasm", "print a .scb program image as .sasm text", &run_disasm});

}  // namespace
