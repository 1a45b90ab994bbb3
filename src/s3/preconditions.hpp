#pragma once
// S3's conditional requests: the read preconditions of GetObject/HeadObject and of a copy's
// source (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since, evaluated in the order
// of RFC 9110 section 13.2.2, as S3 documents), and the write preconditions of PutObject,
// CopyObject, CompleteMultipartUpload and DeleteObject (If-Match, If-None-Match: *).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/s3_error.hpp"

namespace assetd::s3 {

// S3's 412: names the header whose condition did not hold (the XML's <Condition>).
class PreconditionFailed : public S3Error {
 public:
  explicit PreconditionFailed(std::string condition)
      : S3Error(412, "PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold"),
        condition_(std::move(condition)) {}
  const std::string& condition() const { return condition_; }

 private:
  std::string condition_;
};

// Whether `etag` (quoted, as stored) is among a comma-separated list of entity tags, quoted or
// not, weak or strong, or the list is "*".
bool etagMatches(std::string_view condition, std::string_view etag);

using HeaderFields = std::vector<std::pair<std::string, std::string>>;  // names lower-case

struct ReadConditions {
  std::string prefix;  // "" or "x-amz-copy-source-": how the headers were named
  std::optional<std::string> ifMatch;
  std::optional<std::string> ifNoneMatch;
  std::optional<std::int64_t> ifModifiedSince;  // seconds since the epoch
  std::optional<std::int64_t> ifUnmodifiedSince;
};
// The conditions of `headers` named "<prefix>if-match" and so on. An empty header, or a date
// that is no HTTP-date, is no condition (RFC 9110 tells a recipient to ignore it).
ReadConditions readConditionsOf(const HeaderFields& headers, std::string_view prefix = "");

enum class ReadOutcome { Proceed, NotModified, Failed };
struct ReadEvaluation {
  ReadOutcome outcome = ReadOutcome::Proceed;
  std::string condition;  // the header that decided, as S3 names it in <Condition>
};
// Evaluates the conditions against an object: a matching If-Match overrides a failing
// If-Unmodified-Since, and If-None-Match (matching: NotModified) overrides If-Modified-Since.
// Dates compare at the one-second resolution of Last-Modified.
ReadEvaluation evaluate(const ReadConditions& conditions, std::string_view etag,
                        std::int64_t lastModifiedMillis);
// evaluate() for a request that must not answer 304 (a copy's source): NotModified fails too.
// Throws PreconditionFailed.
void requireReadConditions(const ReadConditions& conditions, std::string_view etag,
                           std::int64_t lastModifiedMillis);

struct WriteConditions {
  std::optional<std::string> ifMatch;  // the object must exist with this ETag
  bool ifNoneMatch = false;            // "If-None-Match: *": the object must not exist
  bool any() const { return ifMatch || ifNoneMatch; }
};
// If-Match and If-None-Match of a write request. Throws S3Error 501 NotImplemented for an
// If-None-Match other than "*" (S3 supports only that on writes).
WriteConditions writeConditionsOf(const HeaderFields& headers);
// Checks the conditions against the object's current ETag (nullopt: no object). Throws S3Error
// 404 NoSuchKey for If-Match on a missing object, PreconditionFailed when a condition fails.
void checkWriteConditions(const WriteConditions& conditions,
                          const std::optional<std::string>& currentEtag);
// S3's 409 for a write whose conditions held when it began and no longer hold when it commits:
// another write to the key came first.
S3Error conditionalRequestConflict();

}  // namespace assetd::s3
