// libFuzzer target: the readers of results.json, baseline files and records (what `compare`,
// `report`, `merge` and `baseline update` read back). Any bytes: not JSON, or JSON of the wrong
// shape, is a std::exception with a message (never a crash, a hang or undefined behaviour).
#include <cstdint>
#include <exception>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gate/json_codec.hpp"

using namespace llmbench;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  const auto guarded = [&](auto&& read) {
    try {
      read();
    } catch (const std::exception&) {
    }
  };
  guarded([&] { (void)gate::CasesFromResults(j); });
  guarded([&] { (void)gate::BaselineFromJson(j); });
  guarded([&] { (void)gate::SummaryFromJson(j); });
  guarded([&] { (void)gate::RecordFromJson(j); });
  guarded([&] { (void)gate::RunDataFromJson(j); });
  guarded([&] { (void)gate::ComparisonFromJson(j); });
  return 0;
}
