// The task filter: the `filter` query parameter of GET /project/{id}/tasks.
#include "api/filter_parser.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  assetd::fuzz::rejecting([&] { assetd::api::parseTaskFilter(text); });
  return 0;
}
