// libFuzzer target: dataset files (JSONL, a JSON array; text, prompt, messages or ShareGPT
// conversations) and request traces (Mooncake JSONL), read as `[classes]` name them and turned
// into prompts. Any bytes load or throw InputError naming the file and line; nothing else.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/diagnostic.hpp"
#include "prompt/dataset.hpp"
#include "prompt/trace.hpp"

using namespace llmbench;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The loaders read a path: an in-memory file gives them one without touching the disk.
  const int fd = memfd_create("fuzz-data", MFD_CLOEXEC);
  if (fd < 0) std::abort();
  if (size > 1 && write(fd, data + 1, size - 1) != static_cast<ssize_t>(size - 1)) std::abort();
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  scenario::PromptClass cls;
  cls.name = "fuzz";
  cls.input_tokens = 64;
  cls.output_tokens = 16;
  static const char* const kFields[] = {"", "text", "prompt", "messages", "conversations"};
  cls.dataset_field = kFields[data[0] % 5];
  cls.min_input_tokens = data[0] & 0x20 ? 4 : 0;
  cls.max_input_tokens = data[0] & 0x40 ? 512 : 0;
  cls.trace_time_unit = data[0] & 0x20 ? "s" : "ms";
  cls.trace_requests = data[0] & 0x40 ? 3 : 0;
  try {
    if (data[0] & 0x80) {
      const prompt::Trace trace = prompt::LoadTrace(path, cls);
      (void)prompt::TracePrompts(trace, cls, 4, 1, 2, data[0] & 1);
    } else {
      const prompt::Dataset dataset = prompt::LoadDataset(path, cls);
      (void)prompt::SampleDataset(dataset, cls, 4, 1, 2, data[0] & 1);
    }
  } catch (const InputError&) {
  }
  close(fd);
  return 0;
}
