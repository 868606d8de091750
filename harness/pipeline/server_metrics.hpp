// The engine's own view of a run: its Prometheus /metrics scraped when the measured requests
// start, every `interval` while they run (on a thread of its own, never the load loop's), and
// when they end; reduced to statistics that thresholds name as server.<family>.<statistic>.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "protocol/prometheus.hpp"

namespace llmbench::pipeline {

struct ServerMetrics {
  std::map<std::string, double> stats;  ///< protocol::ScrapeStatistics keys
  int scrapes = 0;                      ///< that answered
  std::string problem;                  ///< first failed scrape or unparsable line; "" when none
};

class MetricsScraper {
 public:
  MetricsScraper(std::string url, std::vector<std::string> headers, Nanoseconds interval);
  ~MetricsScraper();
  MetricsScraper(const MetricsScraper&) = delete;
  MetricsScraper& operator=(const MetricsScraper&) = delete;

  /// Scrapes once and starts the interval thread (if any).
  void Begin();
  /// Stops the thread, scrapes once more and reduces all scrapes. Without both the first and
  /// the last scrape there are no statistics (deltas from the scrapes in between would
  /// undercount): problem says why.
  ServerMetrics End();

 private:
  bool Scrape();  ///< false when it failed (recorded in problem_)
  std::string url_;
  std::vector<std::string> headers_;
  Nanoseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
  std::vector<protocol::PromScrape> scrapes_;
  std::string problem_;
  bool begin_ok_ = false;
};

/// Several runs' statistics of one level as one: deltas, counts and sums add up, maxima are the
/// maximum, a histogram's mean is its pooled sum / count, the rest (gauge means, last values,
/// quantiles) is the mean over the runs.
std::map<std::string, double> PoolServerStats(const std::vector<std::map<std::string, double>>& runs);

/// Output tokens the engine says it generated in a run, from the counter engines keep for it
/// (vLLM/SGLang generation_tokens_total, llama.cpp tokens_predicted_total, the simulator's);
/// NaN when the engine exposes none of them.
double ServerOutputTokens(const std::map<std::string, double>& stats);

}  // namespace llmbench::pipeline
