// Range headers of object GETs, resolved against an object size, and UploadPartCopy's
// x-amz-copy-source-range: any answer must lie within the object.
#include <cstring>

#include "fuzz_input.hpp"
#include "s3/byte_range.hpp"

using namespace assetd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::uint64_t objectSize = 0;
  std::uint8_t kind = in.byte();
  if (kind & 1) {  // any 64-bit size
    for (int i = 0; i < 8; ++i) objectSize = objectSize << 8 | in.byte();
  } else {  // a small one, which most ranges reach
    objectSize = in.byte();
  }
  std::string_view header = in.rest();

  auto range = s3::resolveRange(header, objectSize);
  if (range.kind == s3::ResolvedRange::Kind::Partial) {
    fuzz::require(range.first <= range.last && range.last < objectSize);
    fuzz::require(range.length() >= 1 && range.length() <= objectSize);
  }
  fuzz::rejecting([&] {
    auto copy = s3::copySourceRange(header, objectSize);
    fuzz::require(copy.first <= objectSize && copy.length <= objectSize - copy.first);
  });
  return 0;
}
