// The headers of S3's conditional requests: HTTP-dates in their three forms (a date parsed must
// come back from its own Last-Modified text), the read conditions of GET/HEAD and of a copy's
// source evaluated against an object, the write conditions of PUT, Complete and Delete.
#include <optional>
#include <string>

#include "fuzz_input.hpp"
#include "s3/http_date.hpp"
#include "s3/preconditions.hpp"
#include "s3/s3_xml.hpp"

using namespace assetd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::uint8_t mode = in.byte();
  int currentYear = 1970 + in.byte() * 32 % 8030;
  std::string_view date = in.field();
  std::string etag = "\"" + std::string(in.field()) + "\"";
  std::int64_t lastModifiedMillis = 0;
  for (int i = 0; i < 5; ++i) lastModifiedMillis = lastModifiedMillis << 8 | in.byte();
  s3::HeaderFields headers = fuzz::headerLines(in.rest());

  if (auto seconds = s3::parseHttpDate(date, currentYear)) {
    // Every form names a second of years 0000..9999 at most; the preferred form says it again.
    fuzz::require(*seconds >= -62167219200 && *seconds <= 253402300799);
    if (*seconds >= 0)
      fuzz::require(s3::parseHttpDate(s3::s3xml::httpDate(*seconds * 1000), currentYear) ==
                    seconds);
  }

  std::string_view prefix = mode & 1 ? "x-amz-copy-source-" : "";
  s3::ReadConditions read = s3::readConditionsOf(headers, prefix);
  s3::ReadEvaluation outcome = s3::evaluate(read, etag, lastModifiedMillis);
  fuzz::require(outcome.outcome == s3::ReadOutcome::Proceed || !outcome.condition.empty());
  if (read.ifMatch && *read.ifMatch == "*")
    fuzz::require(outcome.condition != std::string(prefix) + "If-Match");
  fuzz::rejecting([&] { s3::requireReadConditions(read, etag, lastModifiedMillis); });

  fuzz::rejecting([&] {
    s3::WriteConditions write;
    try {
      write = s3::writeConditionsOf(headers);
    } catch (const s3::S3Error& e) {  // S3's answer to an If-None-Match other than "*"
      fuzz::require(e.code() == "NotImplemented");
      return;
    }
    fuzz::rejecting([&] { s3::checkWriteConditions(write, etag); });
    fuzz::rejecting([&] { s3::checkWriteConditions(write, std::nullopt); });
    if (write.ifNoneMatch) {  // create only: refused where an object is
      bool refused = false;
      try {
        s3::checkWriteConditions(write, etag);
      } catch (const s3::S3Error&) {
        refused = true;
      }
      fuzz::require(refused);
    }
  });
  return 0;
}
