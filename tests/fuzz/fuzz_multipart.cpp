// multipart/form-data: the boundary of a Content-Type header, then the body split on it (the
// chat import's form).
#include "fuzz_input.hpp"
#include "http/multipart.hpp"

using namespace assetd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::string_view contentType = in.field();
  std::string_view body = in.rest();
  auto boundary = http::multipartBoundary(contentType);
  if (!boundary) return 0;
  fuzz::rejecting([&] {
    for (const auto& part : http::parseMultipart(body, *boundary))
      fuzz::require(part.body.size() <= body.size());
  });
  return 0;
}
