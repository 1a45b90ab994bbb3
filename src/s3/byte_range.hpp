#pragma once
// The Range header of an object GET, resolved against the object's size as S3 does: one
// "bytes=" range is honoured; anything S3 ignores (no header, several ranges, bad syntax)
// means the whole object.
#include <cstdint>
#include <string_view>

namespace assetd::s3 {

struct ResolvedRange {
  enum class Kind { Whole, Partial, Unsatisfiable };
  Kind kind = Kind::Whole;
  std::uint64_t first = 0;  // inclusive
  std::uint64_t last = 0;   // inclusive; meaningful for Partial only
  std::uint64_t length() const { return last - first + 1; }
};

// "bytes=a-b" (b clamped to the end), "bytes=a-", "bytes=-n" (the last n bytes). A range that
// starts at or past the end, or a suffix of 0 bytes, is Unsatisfiable.
ResolvedRange resolveRange(std::string_view header, std::uint64_t size);

// The x-amz-copy-source-range of UploadPartCopy: "bytes=first-last", both inclusive and required
// as S3 wants them, within a source of `sourceSize` bytes; without the header, the whole source.
// Throws S3Error 400 InvalidArgument for a malformed value, 416 InvalidRange for one that reaches
// past the source's end.
struct CopyRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};
CopyRange copySourceRange(std::string_view header, std::uint64_t sourceSize);

}  // namespace assetd::s3
