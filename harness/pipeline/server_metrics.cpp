#include "pipeline/server_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "client/stream_client.hpp"

namespace llmbench::pipeline {

namespace {
constexpr auto kScrapeTimeout = std::chrono::seconds(2);

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

MetricsScraper::MetricsScraper(std::string url, std::vector<std::string> headers, Nanoseconds interval)
    : url_(std::move(url)), headers_(std::move(headers)), interval_(interval) {}

MetricsScraper::~MetricsScraper() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool MetricsScraper::Scrape() {
  const auto got = client::HttpGet(url_, headers_, kScrapeTimeout, 16 << 20);
  std::lock_guard lock(mutex_);
  std::string why;
  if (got.status != 200) {
    why =
        got.status == 0 ? fmt::format("no answer from {}", url_) : fmt::format("{} answered HTTP {}", url_, got.status);
  } else if (got.truncated) {
    why = fmt::format("{} sent more than 16 MiB", url_);
  }
  if (!why.empty()) {
    if (problem_.empty()) problem_ = why;
    return false;
  }
  auto scrape = protocol::ParsePrometheus(got.body);
  if (problem_.empty() && !scrape.errors.empty()) problem_ = fmt::format("{}: {}", url_, scrape.errors.front());
  scrapes_.push_back(std::move(scrape));
  return true;
}

void MetricsScraper::Begin() {
  begin_ok_ = Scrape();
  if (interval_.count() <= 0) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stop_; })) {
      lock.unlock();
      Scrape();
      lock.lock();
    }
  });
}

ServerMetrics MetricsScraper::End() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  const bool end_ok = Scrape();
  ServerMetrics out;
  std::lock_guard lock(mutex_);
  out.scrapes = static_cast<int>(scrapes_.size());
  out.problem = problem_;
  if (begin_ok_ && end_ok) {
    out.stats = protocol::ScrapeStatistics(scrapes_);
  } else {
    out.problem = fmt::format("no engine statistics for this run: the scrape at its {} failed ({})",
                              begin_ok_ ? "end" : "start", problem_);
  }
  return out;
}

std::map<std::string, double> PoolServerStats(const std::vector<std::map<std::string, double>>& runs) {
  const auto additive = [](const std::string& k) {
    return EndsWith(k, ".delta") || EndsWith(k, ".count") || EndsWith(k, ".sum");
  };
  std::map<std::string, double> out;
  std::map<std::string, int> n;
  for (const auto& run : runs) {
    for (const auto& [key, v] : run) {
      auto [it, fresh] = out.emplace(key, v);
      if (!fresh) it->second = EndsWith(key, ".max") ? std::max(it->second, v) : it->second + v;
      ++n[key];
    }
  }
  for (auto& [key, v] : out) {
    if (additive(key) || EndsWith(key, ".max")) continue;
    v /= n[key];
    if (EndsWith(key, ".mean")) {  // a histogram's mean: its pooled sum over its pooled count
      const std::string base = key.substr(0, key.size() - 5);
      const auto sum = out.find(base + ".sum");
      const auto count = out.find(base + ".count");
      if (sum != out.end() && count != out.end() && count->second > 0) v = sum->second / count->second;
    }
  }
  return out;
}

double ServerOutputTokens(const std::map<std::string, double>& stats) {
  for (const char* key : {"vllm:generation_tokens_total.delta", "sglang:generation_tokens_total.delta",
                          "llamacpp:tokens_predicted_total.delta", "llmbench_sim:generation_tokens_total.delta"}) {
    if (const auto it = stats.find(key); it != stats.end()) return it->second;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace llmbench::pipeline
