#include "sim/runner_noise.hpp"

#include <cmath>
#include <random>

namespace llmbench::sim {
namespace {

// Independent streams of one seed: changing how often the neighbour switches must not move the
// drift draws, and the run factor must not equal epoch 0's.
enum class Stream : std::uint64_t { RunU1 = 1, RunU2, DriftU1, DriftU2, Neighbour };

// SplitMix64's finaliser: a bijection on 64 bits that turns consecutive inputs into unrelated
// outputs, so a hash of (seed, stream, epoch) serves as an independent uniform draw.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t Hash(std::uint64_t seed, Stream stream, std::int64_t epoch) {
  return Mix(Mix(Mix(seed) + static_cast<std::uint64_t>(stream)) + static_cast<std::uint64_t>(epoch));
}

// In (0, 1): the top 53 bits, centred in their interval so log() never sees 0.
double Uniform(std::uint64_t h) { return (static_cast<double>(h >> 11) + 0.5) / 9007199254740992.0; }

// Box–Muller on two hashed uniforms: std::normal_distribution is implementation-defined, and a
// fixed drift_seed must reproduce the same drift with every standard library.
double StandardNormal(std::uint64_t seed, Stream first, Stream second, std::int64_t epoch) {
  constexpr double kTwoPi = 6.283185307179586;
  const double u1 = Uniform(Hash(seed, first, epoch));
  const double u2 = Uniform(Hash(seed, second, epoch));
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

// floor(t / period) for t < 0 too, so an instant just before the start is not epoch 0. The
// loader rejects a zero period; settings built in code get one endless epoch instead of a trap.
std::int64_t Epoch(Nanoseconds t, Nanoseconds period) {
  if (period.count() <= 0) return 0;
  const std::int64_t q = t.count() / period.count();
  return t.count() % period.count() < 0 ? q - 1 : q;
}

std::uint64_t FreshSeed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

RunnerNoise::RunnerNoise(const scenario::SimSettings& s)
    : drift_(s.drift),
      drift_period_(s.drift_period),
      slowdown_(s.neighbour_slowdown),
      neighbour_period_(s.neighbour_period),
      seed_(s.drift_seed != 0 ? s.drift_seed : FreshSeed()),
      run_factor_(s.run_drift == 0 ? 1.0
                                   : std::exp(s.run_drift * StandardNormal(seed_, Stream::RunU1, Stream::RunU2, 0))) {}

double RunnerNoise::EpochFactor(Nanoseconds since_start) const {
  if (drift_ == 0) return 1.0;  // exactly, and no period needed
  return std::exp(drift_ * StandardNormal(seed_, Stream::DriftU1, Stream::DriftU2, Epoch(since_start, drift_period_)));
}

bool RunnerNoise::NeighbourOn(Nanoseconds since_start) const {
  return (Hash(seed_, Stream::Neighbour, Epoch(since_start, neighbour_period_)) >> 63) != 0;
}

double RunnerNoise::NeighbourFactor(Nanoseconds since_start) const {
  return slowdown_ != 0 && NeighbourOn(since_start) ? 1.0 + slowdown_ : 1.0;
}

}  // namespace llmbench::sim
