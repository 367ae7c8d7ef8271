// spikechip report DIR [DIR2] [--out DIR] [--text]; DIR may be a sweep folder (report_sweep.h)
// One run folder -> DIR/report.html (one self-contained page: data, Vega-Lite specs and the
// scripts inlined, no network); two -> a comparison page (OUT/compare.html, OUT defaults to
// the first folder); --text prints the same summary as a terminal table. A folder without a
// valid report.json is bad input (exit 2, naming the file).
#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <iostream>

#include "cli.h"
#include "isa/error.h"
#include "output_dir.h"
#include "report_page.h"
#include "report_sweep.h"

namespace {

namespace po = boost::program_options;

int run_report(const std::vector<std::string>& args) {
  po::options_description opts("spikechip report DIR [DIR2] [--out DIR] [--text]");
  std::vector<std::string> dirs;
  std::string out;
  bool text = false;
  opts.add_options()("help,h", "show this help")("dirs", po::value<std::vector<std::string>>(&dirs),
                                                 "run folders (one, or two to compare)")(
      "out", po::value<std::string>(&out),
      "folder for the page (default: the run folder; with two runs, the first)")(
      "text", po::bool_switch(&text), "print the summary as a table instead of writing a page");
  po::positional_options_description pos;
  pos.add("dirs", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return cli::kExitOk;
  }
  po::notify(vm);
  if (dirs.empty() || dirs.size() > 2)
    throw isa::InputError(
        fmt::format("expected one run folder or two to compare, got {}", dirs.size()));
  if (dirs.size() == 1 && cli::is_sweep_folder(dirs[0])) {  // a sweep: its Pareto front
    if (text) {
      std::cout << cli::sweep_text(dirs[0]);
      return cli::kExitOk;
    }
    cli::OutputDir dir(out.empty() ? dirs[0] : out);
    dir.write("report.html", cli::sweep_html(dirs[0]));
    dir.commit();
    fmt::print(stderr, "report: {}\n", (dir.path() / "report.html").string());
    return cli::kExitOk;
  }
  std::vector<cli::RunFolder> runs;
  for (const auto& d : dirs) runs.push_back(cli::load_run_folder(d));
  if (text) {
    std::cout << (runs.size() == 1 ? cli::report_text(runs[0])
                                   : cli::compare_text(runs[0], runs[1]));
    return cli::kExitOk;
  }
  const std::string name = runs.size() == 1 ? "report.html" : "compare.html";
  cli::OutputDir dir(out.empty() ? dirs[0] : out);
  dir.write(name,
            runs.size() == 1 ? cli::report_html(runs[0]) : cli::compare_html(runs[0], runs[1]));
  dir.commit();
  fmt::print(stderr, "report: {}\n", (dir.path() / name).string());
  return cli::kExitOk;
}

const bool registered = cli::register_verb(
    {"report",
     "an HTML report with charts of a run folder, two compared, or a sweep (--text: a table)",
     &run_report});

}  // namespace
