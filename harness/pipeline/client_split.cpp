#include "pipeline/client_split.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <ctime>
#include <stdexcept>

#include "base/clock.hpp"
#include "pipeline/plan.hpp"

namespace llmbench::pipeline {

std::string ClientSplit::Name() const { return fmt::format("client {}/{}", part + 1, of); }

void ParseClientPart(const std::string& text, ClientSplit& split) {
  int k = 0, n = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%d/%d%c", &k, &n, &tail) != 2 || n < 2 || k < 1 || k > n) {
    throw std::invalid_argument(
        fmt::format("--client '{}': expected K/N, this host K of N client hosts (1 ≤ K ≤ N, N ≥ 2)", text));
  }
  split.part = k - 1;
  split.of = n;
}

std::int64_t ParseUtcTime(const std::string& text) {
  const auto bad = [&] {
    return std::invalid_argument(fmt::format(
        "--start-at '{}': expected a UTC time such as 2026-12-07T06:30:00Z (the same on every client host) or "
        "@<unix seconds>",
        text));
  };
  if (!text.empty() && text[0] == '@') {
    char* end = nullptr;
    const double s = std::strtod(text.c_str() + 1, &end);
    if (end == text.c_str() + 1 || *end != 0 || !std::isfinite(s) || s <= 0 || s > 4e9) throw bad();
    return static_cast<std::int64_t>(std::llround(s * 1e9));
  }
  std::tm tm{};
  double seconds = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &seconds, &consumed) != 6 ||
      text.substr(static_cast<std::size_t>(consumed)) != "Z" || !std::isfinite(seconds) || seconds < 0 ||
      seconds >= 61 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59) {
    throw bad();
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const double whole = std::floor(seconds);
  tm.tm_sec = static_cast<int>(whole);
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) throw bad();
  return static_cast<std::int64_t>(t) * 1'000'000'000 + std::llround((seconds - whole) * 1e9);
}

std::string FormatUtcTime(std::int64_t utc_ns) {
  const std::time_t t = static_cast<std::time_t>(utc_ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, (utc_ns / 1'000'000) % 1000);
}

std::string CannotSplit(const scenario::Case& c, const ClientSplit& split) {
  if (c.engine.sim) {
    return fmt::format(
        "engine '{}' is an embedded simulator: each client host would measure its own; serve one (`llmbench sim "
        "--port P`) and give the engine its url",
        c.engine.name);
  }
  for (const auto& level : c.AllLevels()) {
    if (!c.Selected(level)) continue;
    const std::string what = scenario::Describe(level);
    if (level.sweep() || level.search()) {
      return fmt::format(
          "{} sets its next rates from what it measured, which client hosts cannot share: run it from one host "
          "(--level {})",
          what, scenario::SelectionTag(level));
    }
    const std::int32_t slots = level.open() ? c.load.max_concurrency : level.concurrency;
    if (slots < split.of) {
      return fmt::format("{}: {} {} cannot be shared by {} client hosts: run it from one host (--level {})", what,
                         level.open() ? "max_concurrency" : "concurrency", slots, split.of,
                         scenario::SelectionTag(level));
    }
    if (!level.open() && c.load.requests < split.of) {
      return fmt::format("{}: {} requests cannot be shared by {} client hosts", what, c.load.requests, split.of);
    }
  }
  return "";
}

std::int64_t SlotsOf(const scenario::Case& c) { return static_cast<std::int64_t>(PlanAttempt(c, 1, 0).size()); }

std::vector<std::int64_t> OwnUnits(const scenario::Level& level, std::int64_t count, const ClientSplit& split) {
  std::vector<std::int64_t> out;
  for (std::int64_t u = 0; u < count; ++u) {
    const std::int64_t slot = level.open() ? u : u % std::max<std::int64_t>(1, level.concurrency);
    if (slot % split.of == split.part) out.push_back(u);
  }
  return out;
}

std::int32_t ShareOf(std::int32_t n, const ClientSplit& split) {
  return n / split.of + (split.part < n % split.of ? 1 : 0);
}

std::int64_t UtcNowNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t WallMinusMonotonicNs() {
  std::int64_t best_width = INT64_MAX, offset = 0;
  for (int i = 0; i < 5; ++i) {
    const std::int64_t a = NowNs();
    const std::int64_t wall = UtcNowNs();
    const std::int64_t b = NowNs();
    if (b - a < best_width) {
      best_width = b - a;
      offset = wall - (a + (b - a) / 2);
    }
  }
  return offset;
}

load::LevelShare EnterSlot(ClientSplit& split, const scenario::Level& level, const scenario::Load& load,
                           std::int64_t& slot, std::int64_t& wall_minus_mono) {
  slot = split.next_slot++;
  const std::int64_t begins = split.start_utc_ns + slot * split.slot_ns;
  const std::int64_t late = UtcNowNs() - begins;
  if (late > 0) {
    fmt::print("  {}: slot {} began {:.1f} ms ago (at {}): {}\n", split.Name(), slot, late / 1e6, FormatUtcTime(begins),
               slot == 0 ? "--start-at had passed" : "the previous run overran its slot; lengthen --slot");
  } else {
    const timespec until{static_cast<std::time_t>(begins / 1'000'000'000), static_cast<long>(begins % 1'000'000'000)};
    while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, nullptr) == EINTR) {
    }
  }
  wall_minus_mono = WallMinusMonotonicNs();
  load::LevelShare share;
  share.slots = ShareOf(level.open() ? load.max_concurrency : level.concurrency, split);
  share.anchor_ns = begins + split.warmup_slot_ns - wall_minus_mono;
  return share;
}

}  // namespace llmbench::pipeline
