// The GPUs of this host while a run measures an engine on it (seed graviton-llm-benchmarking.md
// records accelerator utilisation and memory per load level): one `nvidia-smi --query-gpu ...
// -lms N` process per run, read line by line on a thread of its own, stopped at the run's end.
// Nothing when nvidia-smi is not on PATH.
#pragma once

#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>

namespace llmbench::pipeline {

/// What the GPUs did during a run; NaN when nothing was sampled.
struct GpuUsage {
  double utilization_pct = NAN;  ///< mean of every sample of every GPU, %
  double memory_used_mib = NAN;  ///< the largest total (all GPUs) in one sample, MiB
  int gpus = 0;
  int samples = 0;
};

/// Folds nvidia-smi's CSV lines ("index, utilization.gpu, memory.used" with noheader,nounits)
/// into a GpuUsage; lines that do not parse ("[N/A]", warnings) are skipped.
class GpuUsageParser {
 public:
  void Line(std::string_view line);
  GpuUsage Result() const;

 private:
  double util_sum_ = 0;
  int util_count_ = 0;
  int last_index_ = -1;
  double sample_memory_ = 0;  ///< total of the sample being read (a sample: indexes 0, 1, … in order)
  double max_memory_ = NAN;
  int gpus_ = 0;
  int samples_ = 0;
};

class GpuSampler {
 public:
  /// nvidia-smi, as found on PATH; "" when absent.
  static std::string Find();

  /// Starts sampling every `every` (nvidia-smi's -lms). Does nothing when `program` is empty or
  /// cannot be started.
  GpuSampler(const std::string& program, std::chrono::milliseconds every);
  ~GpuSampler();
  GpuSampler(const GpuSampler&) = delete;
  GpuSampler& operator=(const GpuSampler&) = delete;

  /// Stops sampling and returns what was seen.
  GpuUsage Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace llmbench::pipeline
