// The HTML reports in a real browser: headless Chromium (Debian's `chromium`, installed by
// tools/install-deps.sh) opens a single-run report and a comparison with the network off and
// must find every chart drawn (the page sets data-rendered on <body> once every vegaEmbed has
// resolved) and no error (the page writes errors, console errors and warnings into the DOM as
// data-errors; Chromium's own console log on stderr is checked too).
#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "run_binary.h"

using testutil::read_text;
using testutil::spikechip;

namespace {

bool have(const std::string& cmd) {
  return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

struct Dom {
  int exit_code = -1;
  std::string dom, log;
};

// chromium --dump-dom after the page's scripts ran (virtual time), with no network: in a
// network namespace of its own when the system allows one, and Chromium's own traffic off.
Dom open_in_chromium(const std::filesystem::path& page) {
  const auto tmp = testutil::fresh_dir("chromium");
  const std::string isolate = have("unshare -n true") ? "unshare -n " : "";
  const std::string cmd = fmt::format(
      "{}chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
      "--disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage "
      "--user-data-dir='{}' --enable-logging=stderr --v=0 --virtual-time-budget=20000 "
      "--dump-dom 'file://{}' > '{}' 2> '{}'",
      isolate, (tmp / "profile").string(), std::filesystem::absolute(page).string(),
      (tmp / "dom").string(), (tmp / "log").string());
  const int status = std::system(cmd.c_str());
  Dom d{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(tmp / "dom"),
        read_text(tmp / "log")};
  std::filesystem::remove_all(tmp);
  return d;
}

// Chart `id`'s container (<div id="...">) holds an <svg> before the next chart's card.
bool chart_drawn(const std::string& dom, const std::string& id) {
  const size_t at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return false;
  const size_t svg = dom.find("<svg", at), next = dom.find("class=\"card\"", at);
  return svg != std::string::npos && (next == std::string::npos || svg < next);
}

void check_rendered(const std::filesystem::path& page, int min_charts,
                    const std::vector<std::string>& must_draw = {}) {
  const Dom d = open_in_chromium(page);
  INFO(d.log.substr(0, 4000));
  REQUIRE(d.exit_code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(d.dom, m, std::regex("data-charts=\"([0-9]+)\"")));
  const int charts = std::stoi(m[1]);
  CHECK(charts >= min_charts);
  // The attributes of <body> (the page's script text also names them).
  std::smatch body;
  REQUIRE(std::regex_search(d.dom, body, std::regex("<body[^>]*>")));
  CHECK_THAT(body[0].str(), Catch::Contains(fmt::format("data-rendered=\"{}\"", charts)));
  CHECK_THAT(body[0].str(), !Catch::Contains("data-errors"));
  std::smatch errors;
  if (std::regex_search(d.dom, errors, std::regex("<pre id=\"errors\"[^>]*>[^<]*")))
    CHECK(errors[0].str().find("hidden") != std::string::npos);
  // Each chart's container holds an <svg> Vega drew.
  size_t svgs = 0;
  for (size_t at = 0; (at = d.dom.find("<svg", at)) != std::string::npos; ++at) ++svgs;
  CHECK(svgs >= size_t(charts));
  for (const std::string& id : must_draw) {
    CAPTURE(id);
    CHECK(chart_drawn(d.dom, id));
  }
  // The page's console: no message at error or warning level.
  std::smatch c;
  const bool console_error =
      std::regex_search(d.log, c, std::regex("CONSOLE[^\\n]*(ERROR|WARNING|Uncaught)[^\\n]*"));
  INFO((console_error ? c[0].str() : std::string()));
  CHECK(!console_error);
}

}  // namespace

TEST_CASE("e2e report: single-run and comparison pages render every chart in Chromium") {
  if (!have("command -v chromium")) {
    // CI installs it (tools/install-deps.sh): there a missing browser is a failure.
    if (std::getenv("CI")) FAIL("chromium is not installed (tools/install-deps.sh installs it)");
    WARN("chromium is not installed: browser check skipped (tools/install-deps.sh)");
    return;
  }
  const std::string args =
      fmt::format("--model '{}' --dt 1e-3 --input '{}' --labels '{}' --quiet --stats-per-step",
                  testutil::source("workloads/examples/bars.nir"),
                  testutil::source("workloads/examples/bars_events.npy"),
                  testutil::source("workloads/examples/bars_labels.npy"));
  const auto a = testutil::fresh_dir("browser-a"), b = testutil::fresh_dir("browser-b");
  REQUIRE(spikechip(fmt::format("run {} --out '{}'", args, a.string())).exit_code == 0);
  REQUIRE(
      spikechip(fmt::format("run {} --out '{}' --set mesh.x=2 --set mesh.y=2", args, b.string()))
          .exit_code == 0);
  REQUIRE(spikechip(fmt::format("report '{}'", a.string())).exit_code == 0);
  REQUIRE(spikechip(fmt::format("report '{}' '{}'", a.string(), b.string())).exit_code == 0);
  SECTION("single run") {
    // The per-link NoC load on the mesh and energy by layer (static and dynamic).
    check_rendered(a / "report.html", 10, {"noc-links", "energy-layer", "mesh-utilisation"});
  }
  SECTION("comparison") {
    check_rendered(a / "compare.html", 10, {"noc-links", "energy-layer"});
  }
  SECTION("golden (no timing or energy: the charts it has)") {
    const auto g = testutil::fresh_dir("browser-g");
    REQUIRE(spikechip(fmt::format("golden {} --out '{}'", args, g.string())).exit_code == 0);
    REQUIRE(spikechip(fmt::format("report '{}'", g.string())).exit_code == 0);
    check_rendered(g / "report.html", 3);
  }
}

TEST_CASE("e2e report: a sweep's page (Pareto front, objectives by axis) renders in Chromium") {
  if (!have("command -v chromium")) {
    if (std::getenv("CI")) FAIL("chromium is not installed (tools/install-deps.sh installs it)");
    WARN("chromium is not installed: browser check skipped (tools/install-deps.sh)");
    return;
  }
  const auto dir = testutil::fresh_dir("browser-sweep");
  const std::string spec = (dir / "s.yaml").string();
  {
    std::ofstream f(spec);
    f << fmt::format(
        "sweep: pe-banks\nbase:\n  model: {}\n  arch: default\n  input: {}\n  labels: {}\n"
        "  options: {{dt: 1e-3}}\naxes:\n  core.n_pe: [1, 4]\n  core.membrane_banks: [2, 8]\n"
        "objectives: {{energy.per_inference_pj: min, latency.seconds_per_step: min}}\n",
        testutil::source("workloads/examples/bars.nir"),
        testutil::source("workloads/examples/bars_events.npy"),
        testutil::source("workloads/examples/bars_labels.npy"));
  }
  const auto sweep =
      spikechip(fmt::format("sweep '{}' --out '{}/out' -j 2 --deterministic", spec, dir.string()));
  INFO(sweep.err);
  REQUIRE(sweep.exit_code == 0);
  const auto page = spikechip(fmt::format("report '{}/out'", dir.string()));
  INFO(page.err);
  REQUIRE(page.exit_code == 0);
  const std::string html = read_text(dir / "out" / "report.html");
  CHECK_THAT(html, Catch::Contains("points/"));  // every point links its run folder
  // The Pareto front and 2 objectives x 2 axes.
  check_rendered(dir / "out" / "report.html", 5);
  const auto text = spikechip(fmt::format("report '{}/out' --text", dir.string()));
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("pareto"));
}
