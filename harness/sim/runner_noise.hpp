// A runner's slow noise on top of the per-delay jitter: what makes two CI jobs, two levels or two
// repetitions of one unchanged build measure different latencies. Pure arithmetic, no I/O and no
// clock reads: the caller passes the time since the server started, so tests query any instant.
#pragma once

#include <cstdint>

#include "base/clock.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::sim {

/// F(t) = R · E(t) · N(t), the factor every modelled delay is multiplied by:
///  - R = exp(run_drift · z), drawn once per construction (one simulator start = one runner);
///  - E(t) = exp(drift · z_k) in drift epoch k = floor(t / drift_period);
///  - N(t) = 1 + neighbour_slowdown in the neighbour windows (of neighbour_period) where a noisy
///    neighbour is on, each with probability 1/2.
/// z and z_k are standard normals and the on/off coin a uniform, each hashed from (seed, stream,
/// epoch): nothing is stored per epoch, so any instant can be queried in any order, from any
/// thread, and the same seed gives the same factors on every machine.
/// With run_drift = drift = neighbour_slowdown = 0, F(t) is exactly 1.
class RunnerNoise {
 public:
  /// The seed is settings.drift_seed, or a fresh one from std::random_device when that is 0.
  explicit RunnerNoise(const scenario::SimSettings& settings);

  double Factor(Nanoseconds since_start) const {
    return run_factor_ * EpochFactor(since_start) * NeighbourFactor(since_start);
  }
  double run_factor() const { return run_factor_; }
  /// E(t): constant within a drift epoch.
  double EpochFactor(Nanoseconds since_start) const;
  /// N(t): 1, or 1 + neighbour_slowdown while the neighbour is on.
  double NeighbourFactor(Nanoseconds since_start) const;
  bool NeighbourOn(Nanoseconds since_start) const;
  std::uint64_t seed() const { return seed_; }

 private:
  double drift_;
  Nanoseconds drift_period_;
  double slowdown_;
  Nanoseconds neighbour_period_;
  std::uint64_t seed_;
  double run_factor_;
};

}  // namespace llmbench::sim
