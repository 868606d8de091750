// End to end, the HTML report: the real binary runs two simulated engines over two levels,
// `llmbench report` writes index.html, and headless Chromium renders it: a screenshot is taken,
// and a script added to a copy of the page measures every chart as laid out.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "e2e/process.hpp"
#include "test_paths.hpp"

using namespace llmbench::testing;

namespace {

const std::string kLlmbench = llmbench::testing::kLlmbenchBinary;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_html_report_renders_in_headless_chromium_with_every_chart_laid_out) {
  TempDir dir("html-report");
  std::ofstream(dir / "h.toml")
      << "schema = 1\n[engines.fast]\nprotocol = \"sim\"\n[engines.slow]\nprotocol = \"sim\"\n"
         "[engines.slow.simulator]\ndecode_step = \"12ms\"\n[classes.c]\ninput_tokens = 32\n"
         "output_tokens = 8\n[load]\nconcurrency = [1, 4]\nrequests = 20\nwarmup = 1\n"
         "repetitions = 2\n";
  auto [code, out] = RunCommand(kLlmbench + " run " + dir / "h.toml" + " --out " + dir / "run");
  BOOST_TEST_REQUIRE(code == 0, out);
  std::tie(code, out) = RunCommand(kLlmbench + " report " + dir / "run" + " --out " + dir / "rep");
  BOOST_TEST_REQUIRE(code == 0, out);
  const std::string html = Read(dir / "rep/index.html");
  // Self-contained: nothing fetched from anywhere.
  BOOST_TEST(html.find("http://") == html.find("http://www.w3.org/2000/svg"));
  BOOST_TEST(html.find("https://") == std::string::npos);
  int charts = 0;
  for (std::size_t at = html.find("<svg "); at != std::string::npos; at = html.find("<svg ", at + 1)) ++charts;
  // Per class: 8 by level or vs throughput (the simulator reports server times), 2 CDFs of both
  // engines; per case: a box, 3 CDFs, a timeline.
  BOOST_TEST(charts == 8 + 2 + 2 * 5, charts);
  BOOST_TEST(html.find("h/fast/c — TTFT CDF by level") != std::string::npos);
  BOOST_TEST(html.find("h/slow/c — run 1 at c=4: all 20 requests in time") != std::string::npos);
  // Each chart also as its own file (what summary.md links).
  int files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir / "rep/charts")) files += f.path().extension() == ".svg";
  BOOST_TEST(files == charts);
  BOOST_TEST(Read(dir / "rep/summary.md").find("(charts/h_slow_c.timeline.svg)") != std::string::npos);

  // Every chart as the browser laid it out: a copy of the page reports each svg's size.
  std::string probe = html;
  probe.insert(probe.rfind("</body>"),
               "<script>const p=document.createElement('pre');p.id='probe';p.textContent=[...document."
               "querySelectorAll('svg.chart')].map(s=>{const r=s.getBoundingClientRect();return "
               "Math.round(r.width)+'x'+Math.round(r.height)}).join(' ');document.body.appendChild(p)</script>");
  std::ofstream(dir / "rep/probe.html") << probe;
  const std::string chromium = "/usr/bin/chromium --headless --no-sandbox --disable-gpu --hide-scrollbars ";
  std::tie(code, out) = RunCommand(chromium + "--dump-dom file://" + dir / "rep/probe.html");
  BOOST_TEST_REQUIRE(code == 0, out);
  std::smatch m;
  BOOST_TEST_REQUIRE(std::regex_search(out, m, std::regex("<pre id=\"probe\">([^<]*)</pre>")), out.substr(0, 2000));
  std::istringstream sizes(m[1].str());
  int laid_out = 0;
  for (std::string size; sizes >> size;) {
    const auto x = size.find('x');
    BOOST_TEST(std::stoi(size.substr(0, x)) > 100, size);
    BOOST_TEST(std::stoi(size.substr(x + 1)) > 100, size);
    ++laid_out;
  }
  BOOST_TEST(laid_out == charts);
  // A screenshot: a PNG of the page's size.
  std::tie(code, out) = RunCommand(chromium + "--window-size=1280,1600 --screenshot=" + dir / "rep/shot.png" +
                                   " file://" + dir / "rep/index.html");
  BOOST_TEST_REQUIRE(code == 0, out);
  const std::string png = Read(dir / "rep/shot.png");
  BOOST_TEST_REQUIRE(png.size() > 20000u);  // a blank page is a few kB
  BOOST_TEST(png.substr(1, 3) == "PNG");
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  BOOST_TEST(be32(16) == 1280u);
  BOOST_TEST(be32(20) == 1600u);
}
