// Query strings and form bodies: the server's Params (query and urlencoded forms), the signers'
// query parsing and percent-coding, and the query parameters getUploadUrl and getSignedUrl check.
#include "api/url_params.hpp"
#include "fuzz_input.hpp"
#include "http/query.hpp"
#include "sign/url_codec.hpp"

using namespace assetd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::uint8_t which = in.byte();
  std::string_view text = in.rest();
  switch (which % 4) {
    case 0: {
      auto query = http::Params::parseQuery(text);
      for (const auto& [name, value] : query.all()) fuzz::require(query.has(name));
      http::Params::parseForm(text);
      break;
    }
    case 1: {
      sign::parseQuery(text);
      // Encoding is reversible, by either decoder.
      std::string encoded = sign::uriEncode(text, which & 0x10);
      fuzz::require(sign::percentDecode(encoded) == text);
      fuzz::require(http::percentDecode(encoded, which & 0x20) == text);
      break;
    }
    case 2:
      fuzz::rejecting([&] { api::checkFileName(text); });
      fuzz::rejecting([&] { api::checkContentType(text); });
      break;
    default:
      fuzz::rejecting([&] { api::fileType(std::string(text)); });
      http::percentDecode(text, which & 0x10);
      sign::percentDecode(text);
      break;
  }
  return 0;
}
