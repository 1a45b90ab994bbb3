// The XML request bodies of the built-in S3 endpoint: CompleteMultipartUpload and DeleteObjects
// (Delete), the element scan they share and entity decoding, which must undo escaping.
#include <algorithm>

#include "fuzz_input.hpp"
#include "s3/s3_xml.hpp"

using namespace assetd;
namespace s3xml = s3::s3xml;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::uint8_t which = in.byte();
  std::string_view text = in.rest();
  switch (which % 4) {
    case 0:
      if (auto parts = s3xml::parseCompleteParts(text))
        for (const auto& part : *parts) fuzz::require(part.etag.size() <= text.size());
      break;
    case 1:
      if (auto request = s3xml::parseDelete(text))
        for (const auto& key : request->keys) fuzz::require(key.size() <= text.size());
      break;
    case 2:
      for (std::string_view tag : {"Part", "Key", "Object"}) {
        for (std::string_view inner : s3xml::elements(text, tag))
          fuzz::require(inner.empty() ||
                        (inner.data() >= text.data() &&
                         inner.data() + inner.size() <= text.data() + text.size()));
        s3xml::firstText(text, tag);
      }
      break;
    default:
      s3xml::unescape(text);
      // Escaping is undone, except for the control characters XML cannot carry (U+FFFD).
      if (std::none_of(text.begin(), text.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
          }))
        fuzz::require(s3xml::unescape(s3xml::escape(text)) == text);
      break;
  }
  return 0;
}
