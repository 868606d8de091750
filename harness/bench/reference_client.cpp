// llmbench-reference-client: the smallest streaming client one can write with libcurl's multi
// interface, the yardstick for llmbench's own client (llmbench-bench's "reference" phase). One
// thread, STREAMS easy handles reused for REQUESTS POSTs of the body in BODY_FILE to
// http://127.0.0.1:PORT/v1/chat/completions; its write callback only counts SSE events (the
// blank lines that end them). No timestamps, no decoding, no records: what llmbench does beyond
// this is what its ratio to this client pays for.
//
//   llmbench-reference-client PORT STREAMS REQUESTS BODY_FILE
// prints: events <n> requests <n> errors <n> cpu_s <s> wall_s <s>
#include <curl/curl.h>
#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Stream {
  CURL* easy = nullptr;
  long long events = 0;
  char last = 0;  // the previous byte, for a "\n\n" split across writes
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Stream*>(user);
  const size_t bytes = size * n;
  for (size_t i = 0; i < bytes; ++i) {
    if (data[i] == '\n' && s->last == '\n') ++s->events;
    s->last = data[i];
  }
  return bytes;
}

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s PORT STREAMS REQUESTS BODY_FILE\n", argv[0]);
    return 2;
  }
  const std::string url = std::string("http://127.0.0.1:") + argv[1] + "/v1/chat/completions";
  const long streams = std::stol(argv[2]), requests = std::stol(argv[3]);
  std::ifstream in(argv[4]);
  std::stringstream body_text;
  body_text << in.rdbuf();
  const std::string body = body_text.str();
  if (body.empty() || streams < 1 || requests < 1) {
    std::fprintf(stderr, "nothing to send\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM* multi = curl_multi_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  std::vector<Stream> slots(static_cast<size_t>(streams));
  long sent = 0, done = 0, errors = 0;
  const auto start = [&](Stream& s) {
    curl_multi_remove_handle(multi, s.easy);
    s.last = 0;
    curl_multi_add_handle(multi, s.easy);
    ++sent;
  };
  timespec w0{};
  clock_gettime(CLOCK_MONOTONIC, &w0);
  rusage r0{};
  getrusage(RUSAGE_SELF, &r0);
  for (auto& s : slots) {
    s.easy = curl_easy_init();
    curl_easy_setopt(s.easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(s.easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(s.easy, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(s.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(s.easy, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(s.easy, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(s.easy, CURLOPT_PRIVATE, &s);
    if (sent < requests) start(s);
  }
  int running = 1;
  while (done < requests) {
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      ++done;
      long status = 0;
      curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      if (m->data.result != CURLE_OK || status != 200) ++errors;
      Stream* s = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&s));
      if (sent < requests) {
        start(*s);
      } else {
        curl_multi_remove_handle(multi, s->easy);
      }
    }
    if (done < requests) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
  rusage r1{};
  getrusage(RUSAGE_SELF, &r1);
  timespec w1{};
  clock_gettime(CLOCK_MONOTONIC, &w1);
  long long events = 0;
  for (auto& s : slots) {
    events += s.events;
    curl_easy_cleanup(s.easy);
  }
  const double cpu = Seconds(r1.ru_utime) - Seconds(r0.ru_utime) + Seconds(r1.ru_stime) - Seconds(r0.ru_stime);
  const double wall = static_cast<double>(w1.tv_sec - w0.tv_sec) + static_cast<double>(w1.tv_nsec - w0.tv_nsec) / 1e9;
  std::printf("events %lld requests %ld errors %ld cpu_s %.6f wall_s %.6f\n", events, done, errors, cpu, wall);
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
  curl_global_cleanup();
  return 0;
}
