// nvidia-smi's CSV as the GPU probe reads it: samples of several GPUs, junk lines, and a real
// child process (a stand-in nvidia-smi script) started and stopped around a "run".
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "pipeline/gpu_probe.hpp"

using namespace llmbench::pipeline;

BOOST_AUTO_TEST_CASE(gpu_csv_lines_fold_into_mean_utilisation_and_peak_memory) {
  GpuUsageParser p;
  BOOST_TEST(std::isnan(p.Result().utilization_pct));
  for (const char* line : {"0, 40, 1000", "1, 60, 3000",    // sample 1: 4,000 MiB in all
                           "0, 100, 1500", "1, 100, 3500",  // sample 2: 5,000 MiB
                           "0, [N/A], 1200", "Failed to initialize NVML", "", "0, 20, 900", "1, 0, 1000"}) {
    p.Line(line);
  }
  const GpuUsage u = p.Result();
  BOOST_TEST(u.gpus == 2);
  BOOST_TEST(u.samples == 3);
  BOOST_TEST(u.utilization_pct == (40 + 60 + 100 + 100 + 20 + 0) / 6.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(u.memory_used_mib == 5000.0);
}

BOOST_AUTO_TEST_CASE(a_sampler_reads_its_process_until_stopped_and_nothing_without_one) {
  const auto dir = std::filesystem::temp_directory_path() / ("llmbench-gpu-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string fake = (dir / "nvidia-smi").string();
  std::ofstream(fake) << "#!/bin/sh\n# the arguments llmbench passes, checked\n"
                         "[ \"$1\" = \"--query-gpu=index,utilization.gpu,memory.used\" ] || exit 3\n"
                         "while :; do echo '0, 75, 2048'; sleep 0.05; done\n";
  ::chmod(fake.c_str(), 0755);
  GpuSampler sampler(fake, std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const GpuUsage u = sampler.Stop();
  BOOST_TEST(u.samples >= 2);
  BOOST_TEST(u.utilization_pct == 75.0);
  BOOST_TEST(u.memory_used_mib == 2048.0);
  BOOST_TEST(std::isnan(GpuSampler("", std::chrono::milliseconds(50)).Stop().utilization_pct));
  BOOST_TEST(std::isnan(GpuSampler((dir / "absent").string(), std::chrono::milliseconds(50)).Stop().utilization_pct));
  std::filesystem::remove_all(dir);
}
