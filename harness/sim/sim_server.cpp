#include "sim/sim_server.hpp"

#include <algorithm>
#include <array>
#include <utility>  // before Boost 1.74 asio: awaitable.hpp uses std::exchange

#include <fmt/format.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <deque>
#include <random>
#include <thread>
#include <unordered_map>

#include "base/clock.hpp"
#include "base/token_estimate.hpp"
#include "base/version.hpp"
#include "sim/batching_model.hpp"
#include "sim/faults.hpp"
#include "sim/request_parse.hpp"
#include "sim/stream_encoder.hpp"

namespace llmbench::sim {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using net::awaitable;
using net::use_awaitable;
using net::ip::tcp;

// Built outside coroutines: GCC 12 miscompiles initializer lists that live across co_await.
std::string ErrorBody(const std::string& message) { return nlohmann::json{{"error", {{"message", message}}}}.dump(); }

constexpr auto kRedirect = [](error_code& ec) { return net::redirect_error(use_awaitable, ec); };

}  // namespace

struct SimServer::Impl {
  explicit Impl(SimServerOptions o)
      : options(std::move(o)),
        model(options.settings),
        rng(options.settings.seed),
        tokenizer(options.settings.tokenizer),
        acceptor(ioc),
        truth_log(options.truth_log_path, options.keep_truth_in_memory) {
    const tcp::endpoint endpoint(net::ip::make_address(options.host), options.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
  }

  awaitable<void> Accept();
  awaitable<void> Session(tcp::socket socket);
  /// Serves one request; returns false when the connection must close.
  awaitable<bool> Handle(tcp::socket& socket, const http::request<http::string_body>& req);
  awaitable<bool> SendStatus(tcp::socket& socket, const http::request<http::string_body>& req, http::status status,
                             std::string body, Fault fault);
  awaitable<bool> Stream(tcp::socket& socket, const ParsedRequest& request, TruthRecord& truth, Fault fault);
  awaitable<bool> Generate(tcp::socket& socket, const ParsedRequest& request, TruthRecord& truth, Fault fault);
  /// The answer's text: the code the prompt asked for (or, on a crossover fault, the previous
  /// request's), then words.
  std::string AnswerWord(std::int64_t i, const std::string& code) const;
  /// Waits for a batch slot (queue), then the prefill; the truth records both.
  awaitable<void> AdmitAndPrefill(const ParsedRequest& request, TruthRecord& truth);
  /// The answer's length: max_tokens, or half of it on a short_output fault.
  static std::int64_t AnswerTokens(const ParsedRequest& request, Fault fault);
  std::string AnswerCode(const ParsedRequest& request, Fault fault);
  void Served(const ParsedRequest& request, const TruthRecord& truth, std::int64_t sent_tokens);
  awaitable<void> Sleep(Nanoseconds d);
  awaitable<void> SleepUntil(SteadyClock::time_point deadline);
  awaitable<void> AcquireSlot();
  void ReleaseSlot();
  /// The runner noise's clock: time since Start()/Run(), when serving began.
  Nanoseconds SinceStart() const { return Nanoseconds(NowNs() - started_ns); }

  SimServerOptions options;
  BatchingModel model;
  std::mt19937_64 rng;
  SimTokenizer tokenizer;
  net::io_context ioc{1};
  tcp::acceptor acceptor;
  TruthLog truth_log;
  std::int64_t active = 0;                 ///< sequences admitted (prefill or decode)
  std::deque<net::steady_timer*> waiting;  ///< queued requests, FIFO
  std::int64_t served = 0;
  std::string last_code;  ///< the code the previous crossover-checked request asked for
  /// settings.prefix_cache: a conversation's running hash after an answer the simulator gave
  /// (HashMessage of its messages, then of the answer) → its tokens (prompt + answer).
  std::unordered_map<std::uint64_t, std::int64_t> prefix_cache;
  static constexpr std::size_t kPrefixCacheEntries = 1 << 16;  ///< then it starts empty again
  std::int64_t started_ns = NowNs();                           ///< reset when serving starts
  // What /metrics exposes, as engines do (Prometheus text format, family prefix llmbench_sim:).
  std::int64_t prompt_tokens_total = 0;
  std::int64_t generation_tokens_total = 0;
  static constexpr std::array<double, 10> kE2eBuckets{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  std::array<std::int64_t, kE2eBuckets.size() + 1> e2e_buckets{};  ///< per bucket (not cumulative), last = +Inf
  double e2e_sum_s = 0;
  std::string MetricsText() const;
  std::thread thread;
};

awaitable<void> SimServer::Impl::Accept() {
  for (;;) {
    error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(kRedirect(ec));
    if (ec) {
      if (ec == net::error::operation_aborted) co_return;
      continue;  // EMFILE and the like: keep serving the connections we have
    }
    socket.set_option(tcp::no_delay(true), ec);
    net::co_spawn(ioc, Session(std::move(socket)), net::detached);
  }
}

awaitable<void> SimServer::Impl::Session(tcp::socket socket) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    error_code ec;
    co_await http::async_read(socket, buffer, req, kRedirect(ec));
    if (ec) break;
    if (!co_await Handle(socket, req) || !req.keep_alive()) break;
  }
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

awaitable<void> SimServer::Impl::Sleep(Nanoseconds d) {
  if (d.count() <= 0) co_return;
  net::steady_timer timer(ioc, d);
  error_code ec;
  co_await timer.async_wait(kRedirect(ec));
}

awaitable<void> SimServer::Impl::SleepUntil(SteadyClock::time_point deadline) {
  net::steady_timer timer(ioc, deadline);
  error_code ec;
  co_await timer.async_wait(kRedirect(ec));
}

// Continuous batching admission: at most max_batch sequences at once, the rest wait in FIFO
// order. A waiter sleeps on a timer that ReleaseSlot cancels, after counting it as active.
awaitable<void> SimServer::Impl::AcquireSlot() {
  if (active < model.max_batch() && waiting.empty()) {
    ++active;
    co_return;
  }
  net::steady_timer timer(ioc, net::steady_timer::time_point::max());
  waiting.push_back(&timer);
  error_code ec;
  co_await timer.async_wait(kRedirect(ec));
}

void SimServer::Impl::ReleaseSlot() {
  --active;
  if (!waiting.empty() && active < model.max_batch()) {
    net::steady_timer* next = waiting.front();
    waiting.pop_front();
    ++active;
    next->cancel();
  }
}

awaitable<bool> SimServer::Impl::SendStatus(tcp::socket& socket, const http::request<http::string_body>& req,
                                            http::status status, std::string body, Fault fault) {
  http::response<http::string_body> res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  if (fault == Fault::Http429) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(options.settings.faults.retry_after).count();
    res.set(http::field::retry_after, std::to_string((ms + 999) / 1000));
    res.set("retry-after-ms", std::to_string(ms));  // OpenAI's sub-second hint
  }
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  error_code ec;
  co_await http::async_write(socket, res, kRedirect(ec));
  co_return !ec;
}

awaitable<bool> SimServer::Impl::Handle(tcp::socket& socket, const http::request<http::string_body>& req) {
  const std::string target(req.target());
  if (req.method() == http::verb::get && (target == "/health" || target == "/v1/models")) {
    co_return co_await SendStatus(
        socket, req, http::status::ok,
        R"({"object":"list","data":[{"id":"llmbench-sim","object":"model","owned_by":"llmbench"}]})", Fault::None);
  }
  if (req.method() == http::verb::get && target == "/metrics") {
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.keep_alive(req.keep_alive());
    res.body() = MetricsText();
    res.prepare_payload();
    error_code ec;
    co_await http::async_write(socket, res, kRedirect(ec));
    co_return !ec;
  }
  if (req.method() == http::verb::get && target == "/version") {
    co_return co_await SendStatus(socket, req, http::status::ok, fmt::format(R"({{"version":"{}"}})", kVersion),
                                  Fault::None);
  }
  if (req.method() == http::verb::post) {
    int status = 200;
    if (auto answer = tokenizer.Serve(target, req.body(), status)) {
      co_return co_await SendStatus(socket, req, static_cast<http::status>(status), std::move(*answer), Fault::None);
    }
  }
  std::string error;
  auto parsed = ParseRequest(req.method() == http::verb::post, target, req.body(), error, tokenizer);
  if (!parsed) {
    const auto status = error == "not found" ? http::status::not_found : http::status::bad_request;
    co_return co_await SendStatus(socket, req, status, ErrorBody(error), Fault::None);
  }
  TruthRecord truth;
  truth.arrived_ns = NowNs();
  truth.request_id = std::string(req["X-Request-Id"]);
  if (truth.request_id.empty()) truth.request_id = fmt::format("sim-{}", served);
  ++served;
  truth.input_tokens = parsed->input_tokens;
  const Fault fault = PickFault(options.settings.faults, rng);
  truth.fault = std::string(ToString(fault));
  bool keep = true;
  if (fault == Fault::Http500 || fault == Fault::Http400 || fault == Fault::Http429) {
    const auto status = fault == Fault::Http500   ? http::status::internal_server_error
                        : fault == Fault::Http400 ? http::status::bad_request
                                                  : http::status::too_many_requests;
    truth.status = static_cast<int>(status);
    keep = co_await SendStatus(socket, req, status, ErrorBody(fmt::format("injected {}", ToString(fault))), fault);
    truth.done_ns = NowNs();
  } else {
    keep = co_await Stream(socket, *parsed, truth, fault);
  }
  truth_log.Add(std::move(truth));
  co_return keep;
}

}  // namespace llmbench::sim

namespace llmbench::sim {
namespace {

// Plain ASCII words (no JSON escaping) for generated text.
constexpr std::array<std::string_view, 16> kWords{" the",    " of",  " model", " token", " and",   " a",
                                                  " stream", " to",  " in",    " is",    " batch", " that",
                                                  " it",     " for", " on",    " with"};

}  // namespace

// Sends the stream: headers at once (as real servers do), then wait for a batch slot (queue),
// prefill, the first chunk, and one chunk per decode step. With events_per_write = k, k chunks
// go out in one socket write per step (a busy server's kernel coalescing). Every chunk's send
// time goes to the truth record, stamped just before the write is handed to the socket.
awaitable<bool> SimServer::Impl::Stream(tcp::socket& socket, const ParsedRequest& request, TruthRecord& truth,
                                        Fault fault) {
  if (request.wire == Wire::TgiGenerate) co_return co_await Generate(socket, request, truth, fault);
  namespace beast = boost::beast;
  http::response<http::empty_body> res{http::status::ok, 11};
  res.set(http::field::content_type, "text/event-stream");
  res.set(http::field::cache_control, "no-cache");
  res.chunked(true);
  http::response_serializer<http::empty_body> serializer{res};
  error_code ec;
  co_await http::async_write_header(socket, serializer, kRedirect(ec));
  if (ec) co_return false;

  co_await AdmitAndPrefill(request, truth);

  const auto& s = options.settings;
  // TGI streams one token per event; the other wires carry tokens_per_chunk tokens per chunk.
  const std::int64_t per_chunk = request.wire == Wire::Tgi ? 1 : s.tokens_per_chunk;
  const std::int64_t output_tokens = AnswerTokens(request, fault);
  const std::int64_t chunks = (output_tokens + per_chunk - 1) / per_chunk;
  const std::int64_t fault_at = chunks / 2;
  const std::string code = AnswerCode(request, fault);
  StreamEncoder encoder(request.wire, request.model, truth.request_id, request.include_usage);
  std::string out;
  std::string text;
  std::string answer;  // the whole answer, for the prefix cache
  std::int64_t sent_tokens = 0;
  encoder.Start(out);
  bool ok = true;
  // Steps run on absolute deadlines, so the loop's own latency (tens of µs per stream when
  // thousands share this thread) does not add up step after step; only when a whole step
  // late does the schedule restart from now.
  SteadyClock::time_point deadline;
  for (std::int64_t chunk = 0; chunk < chunks && ok;) {
    if (chunk > 0) {
      deadline = std::max(deadline + model.StepTime(active, SinceStart(), rng), SteadyClock::now());
      co_await SleepUntil(deadline);
    }
    for (std::int64_t k = 0; k < s.events_per_write && chunk < chunks; ++k, ++chunk) {
      const auto tokens = std::min(per_chunk, output_tokens - sent_tokens);
      text.clear();
      for (std::int64_t t = 0; t < tokens; ++t) text.append(AnswerWord(sent_tokens + t, code));
      encoder.Text(text, out);
      if (s.prefix_cache) answer += text;
      sent_tokens += tokens;
      truth.chunk_tokens.push_back(static_cast<std::int32_t>(tokens));
      if (chunk == fault_at && fault == Fault::Malformed) StreamEncoder::Malformed(out);
    }
    if (chunk >= chunks) {
      const std::int64_t now = NowNs();
      const ReportedTimes times{truth.queue_ns, truth.prefill_ns, now - truth.admitted_ns - truth.prefill_ns,
                                now - truth.arrived_ns};
      encoder.Finish(request.input_tokens, output_tokens, times, out, s.prefix_cache ? truth.cached_tokens : -1);
    }
    const std::int64_t stamp = NowNs();
    truth.chunk_ns.insert(truth.chunk_ns.end(), truth.chunk_tokens.size() - truth.chunk_ns.size(), stamp);
    co_await net::async_write(socket, http::make_chunk(net::buffer(out)), kRedirect(ec));
    out.clear();
    ok = !ec;
    // Decode steps count from the first chunk's real send: a first chunk delayed by a busy
    // loop must not make the following steps hurry to catch up.
    if (chunk <= s.events_per_write) deadline = SteadyClock::now();
    if (ok && chunk > fault_at && chunk - s.events_per_write <= fault_at) {
      if (fault == Fault::Stall) {
        co_await Sleep(s.faults.stall_for);
        deadline = SteadyClock::now();
      }
      if (fault == Fault::Disconnect) {
        truth.status = -1;
        ok = false;
      }
    }
  }
  if (ok) co_await net::async_write(socket, http::make_chunk_last(), kRedirect(ec));
  truth.output_tokens = sent_tokens;
  truth.done_ns = NowNs();
  if (s.prefix_cache && ok && !ec && fault == Fault::None && !request.message_hashes.empty()) {
    if (prefix_cache.size() >= kPrefixCacheEntries) prefix_cache.clear();
    prefix_cache[HashMessage(request.message_hashes.back(), "assistant", answer)] = request.input_tokens + sent_tokens;
  }
  Served(request, truth, sent_tokens);
  ReleaseSlot();
  co_return ok && !ec;
}

awaitable<void> SimServer::Impl::AdmitAndPrefill(const ParsedRequest& request, TruthRecord& truth) {
  co_await AcquireSlot();
  truth.admitted_ns = NowNs();
  truth.queue_ns = truth.admitted_ns - truth.arrived_ns;
  // The longest history this cache holds (an earlier request and its answer): only the rest is
  // prefilled. At least the last token is always computed, as engines do.
  if (options.settings.prefix_cache) {
    const auto& h = request.message_hashes;
    for (std::size_t k = h.size() >= 2 ? h.size() - 1 : 0; k-- > 0;) {
      if (const auto it = prefix_cache.find(h[k]); it != prefix_cache.end()) {
        truth.cached_tokens = std::min(it->second, request.input_tokens - 1);
        break;
      }
    }
  }
  const auto prefill = model.PrefillTime(request.input_tokens - truth.cached_tokens, SinceStart(), rng);
  truth.prefill_ns = prefill.count();
  co_await Sleep(prefill);
}

std::int64_t SimServer::Impl::AnswerTokens(const ParsedRequest& request, Fault fault) {
  return fault == Fault::ShortOutput ? std::max<std::int64_t>(1, request.output_tokens / 2) : request.output_tokens;
}

// A crossover fault answers with the previous request's code: a response mixed up between
// requests, as a broken batcher or proxy would.
std::string SimServer::Impl::AnswerCode(const ParsedRequest& request, Fault fault) {
  std::string code = fault == Fault::Crossover && !last_code.empty() ? last_code : request.code;
  if (!request.code.empty()) last_code = request.code;
  return code;
}

std::string SimServer::Impl::AnswerWord(std::int64_t i, const std::string& code) const {
  if (i == 0 && !code.empty()) return code;  // the first token: the code the prompt asked for
  return std::string(kWords[static_cast<std::size_t>(i) % kWords.size()]);
}

void SimServer::Impl::Served(const ParsedRequest& request, const TruthRecord& truth, std::int64_t sent_tokens) {
  prompt_tokens_total += request.input_tokens;
  generation_tokens_total += sent_tokens;
  const double e2e_s = static_cast<double>(truth.done_ns - truth.arrived_ns) / 1e9;
  e2e_sum_s += e2e_s;
  ++e2e_buckets[static_cast<std::size_t>(std::lower_bound(kE2eBuckets.begin(), kE2eBuckets.end(), e2e_s) -
                                         kE2eBuckets.begin())];
}

// TGI's non-streaming POST /generate: the same batching model (queue, prefill, one decode step
// per token while holding a batch slot), then the whole answer in one response whose x-* headers
// carry the server's timings in whole milliseconds, as TGI's router sets them. Truth: one chunk,
// all tokens, stamped just before the response is handed to the socket.
awaitable<bool> SimServer::Impl::Generate(tcp::socket& socket, const ParsedRequest& request, TruthRecord& truth,
                                          Fault fault) {
  co_await AdmitAndPrefill(request, truth);
  const std::int64_t output_tokens = AnswerTokens(request, fault);
  const std::string code = AnswerCode(request, fault);
  std::string text;
  SteadyClock::time_point deadline = SteadyClock::now();
  for (std::int64_t t = 0; t < output_tokens; ++t) {
    if (t > 0) {
      deadline = std::max(deadline + model.StepTime(active, SinceStart(), rng), SteadyClock::now());
      co_await SleepUntil(deadline);
    }
    text += AnswerWord(t, code);
  }
  const std::int64_t now = NowNs();
  const auto ms = [](std::int64_t ns) { return std::to_string(ns / 1'000'000); };
  const std::int64_t inference_ns = now - truth.admitted_ns;
  http::response<http::string_body> res{http::status::ok, 11};
  res.set(http::field::content_type, "application/json");
  res.set("x-compute-type", "llmbench-sim");
  res.set("x-total-time", ms(now - truth.arrived_ns));
  res.set("x-validation-time", "0");
  res.set("x-queue-time", ms(truth.queue_ns));
  res.set("x-inference-time", ms(inference_ns));
  res.set("x-time-per-token", ms(inference_ns / std::max<std::int64_t>(1, output_tokens)));
  res.set("x-prompt-tokens", std::to_string(request.input_tokens));
  res.set("x-generated-tokens", std::to_string(output_tokens));
  res.keep_alive(true);
  nlohmann::json details{{"finish_reason", "length"}, {"generated_tokens", output_tokens}, {"seed", nullptr}};
  res.body() = fault == Fault::Malformed ? std::string(R"({"generated_text": "cut)")
                                         : nlohmann::json{{"generated_text", text}, {"details", details}}.dump();
  res.prepare_payload();
  bool ok = true;
  error_code ec;
  if (fault == Fault::Disconnect) {
    truth.status = -1;
    ok = false;
  } else {
    truth.chunk_tokens.push_back(static_cast<std::int32_t>(output_tokens));
    truth.chunk_ns.push_back(NowNs());
    co_await http::async_write(socket, res, kRedirect(ec));
  }
  truth.output_tokens = ok ? output_tokens : 0;
  truth.done_ns = NowNs();
  Served(request, truth, truth.output_tokens);
  ReleaseSlot();
  co_return ok && !ec;
}

std::string SimServer::Impl::MetricsText() const {
  std::string out = fmt::format(
      "# HELP llmbench_sim:requests_total Requests served.\n"
      "# TYPE llmbench_sim:requests_total counter\n"
      "llmbench_sim:requests_total {}\n"
      "# TYPE llmbench_sim:prompt_tokens_total counter\n"
      "llmbench_sim:prompt_tokens_total {}\n"
      "# TYPE llmbench_sim:generation_tokens_total counter\n"
      "llmbench_sim:generation_tokens_total {}\n"
      "# TYPE llmbench_sim:num_requests_running gauge\n"
      "llmbench_sim:num_requests_running {}\n"
      "# TYPE llmbench_sim:num_requests_waiting gauge\n"
      "llmbench_sim:num_requests_waiting {}\n"
      "# TYPE llmbench_sim:e2e_request_latency_seconds histogram\n",
      served, prompt_tokens_total, generation_tokens_total, active, waiting.size());
  std::int64_t cumulative = 0;
  for (std::size_t i = 0; i < kE2eBuckets.size(); ++i) {
    cumulative += e2e_buckets[i];
    out += fmt::format("llmbench_sim:e2e_request_latency_seconds_bucket{{le=\"{}\"}} {}\n", kE2eBuckets[i], cumulative);
  }
  cumulative += e2e_buckets.back();
  out += fmt::format("llmbench_sim:e2e_request_latency_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("llmbench_sim:e2e_request_latency_seconds_sum {}\n", e2e_sum_s);
  out += fmt::format("llmbench_sim:e2e_request_latency_seconds_count {}\n", cumulative);
  return out;
}

SimServer::SimServer(SimServerOptions options) {
  try {
    impl_ = std::make_unique<Impl>(std::move(options));
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(fmt::format("simulator cannot listen: {}", e.what()));
  }
  net::co_spawn(impl_->ioc, impl_->Accept(), net::detached);
}

SimServer::~SimServer() { Stop(); }

std::uint16_t SimServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void SimServer::Start() {
  impl_->started_ns = NowNs();  // before the thread exists: it reads the value without a lock
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

void SimServer::Run() {
  impl_->started_ns = NowNs();
  impl_->ioc.run();
}

void SimServer::Stop() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

const TruthLog& SimServer::truth() const { return impl_->truth_log; }

}  // namespace llmbench::sim
