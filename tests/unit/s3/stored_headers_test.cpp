// Which request headers an object keeps (user metadata and three standard ones), S3's limits on
// them, and their text form in the sidecar.
#include "s3/stored_headers.hpp"
#include "s3_error_code.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "s3/s3_error.hpp"

namespace assetd::s3 {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

using testing::codeOf;

TEST(StoredHeaders, KeepsUserMetadataAndThreeStandardHeaders) {
  Headers request = {{"host", "h"},
                     {"x-amz-meta-camera", "Nikon D850"},
                     {"content-type", "image/jpeg"},
                     {"cache-control", "max-age=60"},
                     {"content-disposition", "attachment; filename=\"a b.jpg\""},
                     {"content-encoding", "gzip"},
                     {"x-amz-date", "20240101T000000Z"},
                     {"x-amz-meta-empty", ""}};
  StoredHeaders kept = storedHeadersOf(request);
  StoredHeaders expected = {{"x-amz-meta-camera", "Nikon D850"},
                            {"cache-control", "max-age=60"},
                            {"content-disposition", "attachment; filename=\"a b.jpg\""},
                            {"content-encoding", "gzip"},
                            {"x-amz-meta-empty", ""}};
  EXPECT_EQ(kept, expected);
}

TEST(StoredHeaders, AwsChunkedIsNotTheObjectsEncoding) {
  EXPECT_TRUE(storedHeadersOf({{"content-encoding", "aws-chunked"}}).empty());
  StoredHeaders kept = storedHeadersOf({{"content-encoding", "aws-chunked, gzip"}});
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].second, "gzip");
}

TEST(StoredHeaders, ValuesAreKeptByteForByte) {
  Headers request = {{"content-encoding", "deflate, gzip"},
                     {"content-language", "de-CH"},
                     {"expires", "Thu, 01 Jan 2037 00:00:00 GMT"},
                     {"x-amz-meta-latin1", "caf\xe9"},
                     {"x-amz-meta-utf8", "caf\xc3\xa9  two  spaces"}};
  StoredHeaders expected(request.begin(), request.end());
  EXPECT_EQ(storedHeadersOf(request), expected);
  EXPECT_EQ(decodeStoredHeaders(encodeStoredHeaders(expected)), expected);
  // Only aws-chunked goes; what is around it stays as it was sent.
  EXPECT_EQ(storedHeadersOf({{"content-encoding", "aws-chunked,deflate, gzip"}})[0].second,
            "deflate, gzip");
  EXPECT_EQ(storedHeadersOf({{"content-encoding", "deflate, aws-chunked, gzip"}})[0].second,
            "deflate, gzip");
  EXPECT_EQ(storedHeadersOf({{"content-encoding", "deflate,  gzip, aws-chunked"}})[0].second,
            "deflate,  gzip");
}

TEST(StoredHeaders, AHeaderOnSeveralLinesIsOneValue) {
  StoredHeaders kept = storedHeadersOf({{"content-encoding", "deflate"},
                                        {"x-amz-meta-a", "1"},
                                        {"content-encoding", "gzip"},
                                        {"x-amz-meta-a", "2, 3"}});
  StoredHeaders expected = {{"content-encoding", "deflate,gzip"}, {"x-amz-meta-a", "1,2, 3"}};
  EXPECT_EQ(kept, expected);
}

TEST(StoredHeaders, UserMetadataIsLimitedTo2KB) {
  // Names count without the x-amz-meta- prefix: "a" + 1023 and "b" + 1023 bytes is 2048.
  Headers atLimit = {{"x-amz-meta-a", std::string(1023, 'x')},
                     {"x-amz-meta-b", std::string(1023, 'y')}};
  EXPECT_EQ(storedHeadersOf(atLimit).size(), 2u);
  Headers over = atLimit;
  over[1].second.push_back('y');
  EXPECT_EQ(codeOf([&] { storedHeadersOf(over); }), "MetadataTooLarge");
  // Standard headers do not count against it.
  atLimit.emplace_back("cache-control", std::string(3000, 'c'));
  EXPECT_EQ(storedHeadersOf(atLimit).size(), 3u);
}

TEST(StoredHeaders, ControlCharactersAndEmptyNamesAreRefused) {
  EXPECT_EQ(codeOf([] { storedHeadersOf({{"x-amz-meta-a", "line\nbreak"}}); }), "InvalidArgument");
  EXPECT_EQ(codeOf([] { storedHeadersOf({{"x-amz-meta-a", "tab\there"}}); }), "InvalidArgument");
  EXPECT_EQ(codeOf([] { storedHeadersOf({{"cache-control", "a\x7f"}}); }), "InvalidArgument");
  EXPECT_EQ(codeOf([] { storedHeadersOf({{"x-amz-meta-", "v"}}); }), "InvalidArgument");
  // Ignored headers are not looked at.
  EXPECT_TRUE(storedHeadersOf({{"x-other", "a\nb"}}).empty());
}

TEST(StoredHeaders, TextFormRoundTrips) {
  StoredHeaders headers = {{"x-amz-meta-k", "v: with colon"}, {"cache-control", "no-cache"}};
  std::string text = encodeStoredHeaders(headers);
  EXPECT_EQ(text, "x-amz-meta-k:v: with colon\ncache-control:no-cache\n");
  EXPECT_EQ(decodeStoredHeaders(text), headers);
  EXPECT_EQ(decodeStoredHeaders(""), StoredHeaders{});
  EXPECT_FALSE(decodeStoredHeaders("x-amz-meta-k:v"));   // cut short
  EXPECT_FALSE(decodeStoredHeaders("no colon\n"));       // malformed
  EXPECT_FALSE(decodeStoredHeaders("x-forwarded:a\n"));  // not a kept header
}

}  // namespace
}  // namespace assetd::s3
