#include "report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/xml_writer.hpp"

namespace llmbench::report {
namespace {

// Colour-blind-safe (Okabe–Ito).
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#000000", "#F0E442"};

// The legend sits right of the plot, outside it: it never hides a point.
constexpr double kLeft = 64, kRight = 124, kTop = 34, kBottom = 46;

std::string Num(double v) {
  if (v == 0) return "0";
  const double a = std::abs(v);
  if (a >= 1e6) return fmt::format("{:g}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:g}k", v / 1e3);
  return fmt::format("{:g}", std::round(v * 1000) / 1000);
}

// The frame: title, the y axis from zero with its grid and label, the x label.
struct Frame {
  double w, h, y_max;
  std::vector<double> y_ticks;
  double X(double fraction) const { return kLeft + fraction * (w - kLeft - kRight); }
  double Y(double v) const { return h - kBottom - v / y_max * (h - kTop - kBottom); }
};

Frame Open(std::string& out, int width, int height, const std::string& title, const std::string& y_label,
           const std::string& x_label, double data_max) {
  Frame f{static_cast<double>(width), static_cast<double>(height), 1, NiceTicks(data_max)};
  f.y_max = f.y_ticks.back();
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"{2}\" font-family=\"sans-serif\" font-size=\"11\">\n",
      width, height, XmlEscape(title));
  out += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#fff\"/>\n", width, height);
  out +=
      fmt::format("<text x=\"{}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{}</text>\n", kLeft, XmlEscape(title));
  for (const double t : f.y_ticks) {
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        f.X(0), f.Y(t), f.X(1), f.Y(t), f.X(0) - 4, f.Y(t) + 4, Num(t));
  }
  out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#333\"/>\n", f.X(0),
                     f.Y(0), f.Y(f.y_max));
  out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{2:.1f}\" x2=\"{1:.1f}\" y2=\"{2:.1f}\" stroke=\"#333\"/>\n", f.X(0),
                     f.X(1), f.Y(0));
  out += fmt::format(
      "<text transform=\"translate(14,{:.1f}) rotate(-90)\" text-anchor=\"middle\">{} (axis from 0)</text>\n",
      (kTop + f.h - kBottom) / 2, XmlEscape(y_label));
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", (f.X(0) + f.X(1)) / 2,
                     f.h - 8, XmlEscape(x_label));
  return f;
}

void Legend(std::string& out, const Frame& f, const std::vector<std::pair<std::string, std::string>>& entries) {
  double y = kTop + 4;
  for (const auto& [name, style] : entries) {
    out += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" {3} stroke-width=\"2\"/>"
        "<text x=\"{4:.1f}\" y=\"{5:.1f}\">{6}</text>\n",
        f.X(1) + 8, y, f.X(1) + 26, style, f.X(1) + 30, y + 4, XmlEscape(name));
    y += 14;
  }
}

}  // namespace

std::vector<double> NiceTicks(double max, int count) {
  if (!(max > 0) || !std::isfinite(max)) return {0, 1};
  const double raw = max / count;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = 0; ticks.empty() || ticks.back() < max - step * 1e-9; t += step) ticks.push_back(t);
  return ticks;
}

std::string RenderSvg(const LineChart& c) {
  double x_max = 0, y_max = 0;
  for (const auto& s : c.series) {
    for (const auto& [x, y] : s.points) {
      if (std::isfinite(x)) x_max = std::max(x_max, x);
      if (std::isfinite(y)) y_max = std::max(y_max, y);
    }
  }
  std::string out;
  const Frame f = Open(out, c.width, c.height, c.title, c.y_label, c.x_label, y_max);
  const bool categorical = !c.categories.empty();
  const std::vector<double> x_ticks = categorical ? std::vector<double>{} : NiceTicks(x_max);
  const double x_top = categorical ? 0 : x_ticks.back();
  const auto xpos = [&](double x) {
    if (categorical) return f.X((x + 0.5) / static_cast<double>(c.categories.size()));
    return f.X(x / x_top);
  };
  if (categorical) {
    for (std::size_t i = 0; i < c.categories.size(); ++i) {
      out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
                         xpos(static_cast<double>(i)), f.Y(0) + 14, XmlEscape(c.categories[i]));
    }
  } else {
    for (const double t : x_ticks)
      out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", xpos(t), f.Y(0) + 14,
                         Num(t));
  }
  std::vector<std::pair<std::string, std::string>> legend;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto& s = c.series[i];
    const std::size_t index = s.colour >= 0 ? static_cast<std::size_t>(s.colour) : i;
    const std::string colour = kColours[index % std::size(kColours)];
    const std::string style = fmt::format("stroke=\"{}\"{}", colour, s.dashed ? " stroke-dasharray=\"5,3\"" : "");
    std::string path;
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "" : " ", xpos(x), f.Y(y));
    }
    out += fmt::format("<polyline fill=\"none\" stroke-width=\"2\" {} points=\"{}\"/>\n", style, path);
    for (const auto& [x, y] : s.points) {
      if (!s.markers) break;
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      const std::string at = categorical ? c.categories[static_cast<std::size_t>(x)] : Num(x);
      out +=
          fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{}: {} → {}</title></circle>\n",
                      xpos(x), f.Y(y), colour, XmlEscape(s.name), XmlEscape(at), Num(y));
    }
    legend.emplace_back(s.name, style);
  }
  Legend(out, f, legend);
  return out + "</svg>\n";
}

std::string RenderSvg(const DistributionChart& c) {
  double y_max = 0;
  for (const auto& [label, s] : c.boxes) {
    if (std::isfinite(s.max)) y_max = std::max(y_max, s.max);
  }
  std::string out;
  const Frame f = Open(out, c.width, c.height, c.title, c.y_label, "level", y_max);
  const double n = static_cast<double>(std::max<std::size_t>(1, c.boxes.size()));
  const double half = std::min(18.0, (f.X(1) - f.X(0)) / n / 4);
  for (std::size_t i = 0; i < c.boxes.size(); ++i) {
    const auto& [label, s] = c.boxes[i];
    const double x = f.X((static_cast<double>(i) + 0.5) / n);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", x, f.Y(0) + 14,
                       XmlEscape(label));
    if (s.count == 0 || !std::isfinite(s.p50)) continue;
    out += fmt::format(
        "<g><title>{}: n={} min {} p50 {} p95 {} p99 {} max {} mean {}</title>"
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\"/>"
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" fill-opacity=\"0.5\" "
        "stroke=\"{}\"/>"
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\" stroke-width=\"2\"/>"
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"2\"/>"
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"#333\"/></g>\n",
        XmlEscape(label), s.count, Num(s.min), Num(s.p50), Num(s.p95), Num(s.p99), Num(s.max), Num(s.mean), x,
        f.Y(s.min), x, f.Y(s.max), x - half, f.Y(s.p95), 2 * half, std::max(0.5, f.Y(s.p50) - f.Y(s.p95)), kColours[0],
        kColours[0], x - half, f.Y(s.p50), x + half, f.Y(s.p50), x - half * 0.6, f.Y(s.p99), x + half * 0.6, f.Y(s.p99),
        kColours[1], x, f.Y(s.mean));
  }
  Legend(out, f,
         {{"box p50–p95, whiskers min–max", fmt::format("stroke=\"{}\"", kColours[0])},
          {"tick p99, dot mean", fmt::format("stroke=\"{}\"", kColours[1])}});
  return out + "</svg>\n";
}

std::string RenderSvg(const TimelineChart& c) {
  double x_max = 0;
  for (const auto& r : c.requests) x_max = std::max(x_max, r.end_ms);
  std::string out;
  const double rows = static_cast<double>(std::max<std::size_t>(1, c.requests.size()));
  Frame f = Open(out, c.width, c.height, c.title, "request, in send order", "ms since the first send", rows);
  const std::vector<double> x_ticks = NiceTicks(x_max);
  const auto xpos = [&](double ms) { return f.X(ms / x_ticks.back()); };
  for (const double t : x_ticks)
    out +=
        fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", xpos(t), f.Y(0) + 14, Num(t));
  const double bar = std::max(1.0, (f.Y(0) - f.Y(1)) * 0.8);
  constexpr const char* kWaiting = "#56B4E9";
  for (std::size_t i = 0; i < c.requests.size(); ++i) {
    const RequestSpan& r = c.requests[i];
    const double y = f.Y(static_cast<double>(i) + 1) + (f.Y(0) - f.Y(1) - bar) / 2;
    const std::string tip = fmt::format("request {}: sent {} ms, first token {}, end {} ms{}", i + 1, Num(r.send_ms),
                                        r.first_token_ms < 0 ? "none" : Num(r.first_token_ms) + " ms", Num(r.end_ms),
                                        r.failed ? ", failed" : "");
    const auto rect = [&](double from, double to, const char* colour) {
      return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>", xpos(from),
                         y, std::max(0.5, xpos(to) - xpos(from)), bar, colour);
    };
    out += "<g><title>" + XmlEscape(tip) + "</title>";
    if (r.failed || r.first_token_ms < 0) {
      out += rect(r.send_ms, r.end_ms, kColours[1]);
    } else {
      out += rect(r.send_ms, r.first_token_ms, kWaiting) + rect(r.first_token_ms, r.end_ms, kColours[0]);
    }
    out += "</g>\n";
  }
  Legend(out, f,
         {{"sent → first token", fmt::format("stroke=\"{}\"", kWaiting)},
          {"first token → end", fmt::format("stroke=\"{}\"", kColours[0])},
          {"failed", fmt::format("stroke=\"{}\"", kColours[1])}});
  return out + "</svg>\n";
}

std::vector<std::pair<double, double>> CdfPoints(const std::vector<double>& sorted, std::size_t points) {
  std::vector<std::pair<double, double>> out;
  const std::size_t n = sorted.size();
  if (n == 0 || points < 2) return out;
  std::size_t last = n;  // no index twice
  for (std::size_t k = 0; k < points; ++k) {
    const auto i = static_cast<std::size_t>(
        std::llround(static_cast<double>(k) / static_cast<double>(points - 1) * static_cast<double>(n - 1)));
    if (i == last) continue;
    last = i;
    out.emplace_back(sorted[i], static_cast<double>(i + 1) / static_cast<double>(n));
  }
  return out;
}

}  // namespace llmbench::report
