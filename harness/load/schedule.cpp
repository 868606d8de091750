#include "load/schedule.hpp"

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <cmath>
#include <stdexcept>

namespace llmbench::load {
namespace {

// Operational time u (seconds at the full rate) → wall time t (seconds) under a linear ramp of
// length T: the expected count Λ(t) = R·t²/(2T) for t < T, then R·T/2 + R·(t − T), and
// Λ(t) = R·u, so t = √(2·T·u) below u = T/2, else t = u + T/2.
double Warp(double u, double ramp_s) {
  if (ramp_s <= 0) return u;
  return u < ramp_s / 2 ? std::sqrt(2 * ramp_s * u) : u + ramp_s / 2;
}

}  // namespace

std::vector<std::int64_t> MakeSchedule(const ScheduleSpec& spec) {
  if (!(spec.rate > 0)) throw std::invalid_argument("schedule: the rate must be positive");
  if (spec.count <= 0 && spec.duration.count() <= 0)
    throw std::invalid_argument("schedule: needs a count or a duration");
  boost::random::mt19937_64 rng(spec.seed);
  const double mean = 1 / spec.rate;
  boost::random::exponential_distribution<double> exponential(spec.rate);
  const double k = spec.burstiness > 0 ? spec.burstiness : 1;
  boost::random::gamma_distribution<double> gamma(k, mean / k);
  const auto gap = [&]() -> double {
    if (spec.arrival == "constant") return mean;
    if (spec.arrival == "gamma") return gamma(rng);
    return exponential(rng);
  };
  const double ramp_s = std::chrono::duration<double>(spec.ramp_up).count();
  const double end_s = std::chrono::duration<double>(spec.duration).count();
  std::vector<std::int64_t> out;
  if (spec.count > 0) out.reserve(static_cast<std::size_t>(spec.count));
  // With a ramp the first arrival comes after one gap (at rate 0 nothing is due at t = 0).
  double u = ramp_s > 0 ? gap() : 0;
  for (;;) {
    if (spec.count > 0 && static_cast<std::int64_t>(out.size()) >= spec.count) break;
    const double t = Warp(u, ramp_s);
    if (spec.count <= 0 && t >= end_s) break;
    out.push_back(static_cast<std::int64_t>(std::llround(t * 1e9)));
    u += gap();
  }
  return out;
}

std::vector<std::int64_t> TraceSchedule(const std::vector<double>& timestamps_s, double time_scale) {
  if (!(time_scale > 0)) throw std::invalid_argument("trace: time_scale must be positive");
  std::vector<double> sorted = timestamps_s;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::int64_t> out;
  out.reserve(sorted.size());
  for (const double t : sorted) out.push_back(std::llround((t - sorted.front()) / time_scale * 1e9));
  return out;
}

}  // namespace llmbench::load
