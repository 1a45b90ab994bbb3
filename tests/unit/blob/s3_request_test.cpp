// Composition of the requests the S3 blob store sends (addressing, signing, ranges, XML bodies)
// and parsing of what S3 answers, with no service involved: signed requests are checked by
// running them through the receiving side's verify().
#include <gtest/gtest.h>

#include <algorithm>

#include "blob/s3_request.hpp"
#include "sign/crypto.hpp"
#include "sign/url_codec.hpp"

namespace assetd::blob::s3 {
namespace {

constexpr std::int64_t kSignedAt = 1700000000;  // 2023-11-14T22:13:20Z

S3Config pathStyleConfig() {
  S3Config config;
  config.bucket = "assetd-objects";
  config.endpoint = "http://127.0.0.1:18080";
  config.region = "us-east-1";
  config.pathStyle = true;
  config.credentials = {"test:tester", "testing", ""};
  return config;
}

S3Config virtualHostedConfig() {
  S3Config config = pathStyleConfig();
  config.endpoint = "https://s3.eu-west-1.amazonaws.com";
  config.region = "eu-west-1";
  config.pathStyle = false;
  return config;
}

std::string value(const sign::sigv4::Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    std::string lower = n;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == name) return v;
  }
  return "";
}

// What the service decides about a request sent with these headers to this URL.
sign::sigv4::VerifyResult received(const S3Config& config, const std::string& method,
                                   const std::string& url, const sign::sigv4::Headers& headers,
                                   std::int64_t now = kSignedAt) {
  const sign::ParsedUrl parsed = sign::parseUrl(url);
  auto secrets = [&](std::string_view id) -> std::optional<std::string> {
    if (id == config.credentials.accessKeyId) return config.credentials.secretAccessKey;
    return std::nullopt;
  };
  sign::sigv4::VerifyOptions options;
  options.region = config.region;
  return sign::sigv4::verify({method, parsed.path, parsed.query, headers}, secrets, now, options);
}

TEST(S3ObjectUrl, PathStyleNamesEndpointBucketAndEncodedKey) {
  const S3Config config = pathStyleConfig();
  EXPECT_EQ(objectUrl(config, "assets/org/proj/photo 1+2.jpg"),
            "http://127.0.0.1:18080/assetd-objects/assets/org/proj/photo%201%2B2.jpg");
  EXPECT_EQ(objectUrl(config, "a/\xC3\xA9t\xC3\xA9~_-.txt"),
            "http://127.0.0.1:18080/assetd-objects/a/%C3%A9t%C3%A9~_-.txt");
  EXPECT_EQ(objectUrl(config, "k", "partNumber=2&uploadId=abc"),
            "http://127.0.0.1:18080/assetd-objects/k?partNumber=2&uploadId=abc");
  EXPECT_EQ(objectUrl(config, "", "location"), "http://127.0.0.1:18080/assetd-objects?location");
}

TEST(S3ObjectUrl, PathStyleKeepsTheEndpointsBasePath) {
  S3Config config = pathStyleConfig();
  config.endpoint = "http://gateway:9000/s3/";
  EXPECT_EQ(objectUrl(config, "x/y"), "http://gateway:9000/s3/assetd-objects/x/y");
}

TEST(S3ObjectUrl, VirtualHostedPutsTheBucketInTheHost) {
  const S3Config config = virtualHostedConfig();
  EXPECT_EQ(objectUrl(config, "assets/a b.png"),
            "https://assetd-objects.s3.eu-west-1.amazonaws.com/assets/a%20b.png");
  EXPECT_EQ(objectUrl(config, "", "location"),
            "https://assetd-objects.s3.eu-west-1.amazonaws.com/?location");
}

TEST(S3SignedHeaders, AreAcceptedByTheReceivingSide) {
  const S3Config config = pathStyleConfig();
  const std::string url = objectUrl(config, "assets/photo 1.jpg");
  const sign::sigv4::Headers headers =
      signedHeaders(config, "PUT", url, {{"Content-Type", "image/png"}},
                    std::string(sign::sigv4::kUnsignedPayload), kSignedAt);
  EXPECT_EQ(value(headers, "content-type"), "image/png");
  EXPECT_EQ(value(headers, "host"), "127.0.0.1:18080");
  EXPECT_EQ(value(headers, "x-amz-date"), "20231114T221320Z");
  EXPECT_EQ(value(headers, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(value(headers, "x-amz-security-token"), "");
  EXPECT_TRUE(value(headers, "authorization")
                  .starts_with("AWS4-HMAC-SHA256 Credential=test:tester/20231114/us-east-1/s3/"
                               "aws4_request, SignedHeaders=content-type;host;x-amz-content-"
                               "sha256;x-amz-date, Signature="))
      << value(headers, "authorization");

  const sign::sigv4::VerifyResult result = received(config, "PUT", url, headers);
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.payloadHash, "UNSIGNED-PAYLOAD");
  EXPECT_EQ(result.accessKeyId, "test:tester");
}

TEST(S3SignedHeaders, BindMethodKeyQueryAndSignedHeaders) {
  const S3Config config = pathStyleConfig();
  const std::string url = objectUrl(config, "k", "partNumber=1&uploadId=u%2B1");
  const sign::sigv4::Headers headers =
      signedHeaders(config, "PUT", url, {{"Content-Type", "text/plain"}},
                    std::string(sign::sigv4::kUnsignedPayload), kSignedAt);
  ASSERT_TRUE(received(config, "PUT", url, headers).ok());

  EXPECT_EQ(received(config, "GET", url, headers).error,
            sign::sigv4::AuthError::SignatureDoesNotMatch);
  EXPECT_EQ(
      received(config, "PUT", objectUrl(config, "other", "partNumber=1&uploadId=u%2B1"), headers)
          .error,
      sign::sigv4::AuthError::SignatureDoesNotMatch);
  EXPECT_EQ(
      received(config, "PUT", objectUrl(config, "k", "partNumber=2&uploadId=u%2B1"), headers).error,
      sign::sigv4::AuthError::SignatureDoesNotMatch);
  sign::sigv4::Headers retyped = headers;
  for (auto& [name, v] : retyped)
    if (name == "Content-Type") v = "text/html";
  EXPECT_EQ(received(config, "PUT", url, retyped).error,
            sign::sigv4::AuthError::SignatureDoesNotMatch);

  S3Config wrongSecret = config;
  wrongSecret.credentials.secretAccessKey = "other";
  EXPECT_EQ(received(wrongSecret, "PUT", url, headers).error,
            sign::sigv4::AuthError::SignatureDoesNotMatch);
}

TEST(S3SignedHeaders, CarryASignedPayloadHash) {
  const S3Config config = pathStyleConfig();
  const std::string url = objectUrl(config, "k");
  const std::string hash = sign::crypto::hex(sign::crypto::sha256("hello"));
  const sign::sigv4::Headers headers = signedHeaders(config, "PUT", url, {}, hash, kSignedAt);
  EXPECT_EQ(value(headers, "x-amz-content-sha256"), hash);
  const sign::sigv4::VerifyResult result = received(config, "PUT", url, headers);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.payloadHash, hash);
}

TEST(S3SignedHeaders, CarryAndSignTheSessionToken) {
  S3Config config = pathStyleConfig();
  config.credentials.sessionToken = "FwoGZXIvYXdzEXAMPLETOKEN==";
  const std::string url = objectUrl(config, "k");
  const sign::sigv4::Headers headers =
      signedHeaders(config, "GET", url, {}, std::string(sign::sigv4::kEmptyPayloadHash), kSignedAt);
  EXPECT_EQ(value(headers, "x-amz-security-token"), "FwoGZXIvYXdzEXAMPLETOKEN==");
  EXPECT_NE(value(headers, "authorization").find("x-amz-security-token"), std::string::npos);
  ASSERT_TRUE(received(config, "GET", url, headers).ok());

  sign::sigv4::Headers swapped = headers;
  for (auto& [name, v] : swapped)
    if (name == "X-Amz-Security-Token") v = "another-token";
  EXPECT_EQ(received(config, "GET", url, swapped).error,
            sign::sigv4::AuthError::SignatureDoesNotMatch);
}

TEST(S3SignedHeaders, VirtualHostedSignsTheBucketHost) {
  const S3Config config = virtualHostedConfig();
  const std::string url = objectUrl(config, "assets/x.bin");
  const sign::sigv4::Headers headers = signedHeaders(
      config, "HEAD", url, {}, std::string(sign::sigv4::kEmptyPayloadHash), kSignedAt);
  EXPECT_EQ(value(headers, "host"), "assetd-objects.s3.eu-west-1.amazonaws.com");
  EXPECT_NE(value(headers, "authorization").find("/eu-west-1/s3/aws4_request"), std::string::npos);
  EXPECT_TRUE(received(config, "HEAD", url, headers).ok());
}

TEST(S3RangeHeader, NamesInclusiveByteRanges) {
  constexpr std::uint64_t kAll = ~std::uint64_t{0};
  EXPECT_EQ(rangeHeader(0, kAll), std::nullopt);
  EXPECT_EQ(rangeHeader(0, 1), "bytes=0-0");
  EXPECT_EQ(rangeHeader(100, 50), "bytes=100-149");
  EXPECT_EQ(rangeHeader(100, kAll), "bytes=100-");
  EXPECT_EQ(rangeHeader(100, kAll - 50), "bytes=100-");
  EXPECT_EQ(rangeHeader(7, 0), std::nullopt);
}

TEST(S3Xml, ReadsErrorDocuments) {
  const auto error = parseErrorReply(
      "<?xml version='1.0' encoding='UTF-8'?>\n<Error><Code>SignatureDoesNotMatch</Code>"
      "<Message>The request signature we calculated does not match &amp; &lt;so on&gt; "
      "&#x263A;&#65;</Message><RequestId>tx1</RequestId></Error>");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "SignatureDoesNotMatch");
  EXPECT_EQ(error->message,
            "The request signature we calculated does not match & <so on> \xE2\x98\xBA"
            "A");

  EXPECT_FALSE(parseErrorReply(""));
  EXPECT_FALSE(parseErrorReply("<html><h1>Bad Request</h1></html>"));
  EXPECT_FALSE(parseErrorReply("<Error><Message>no code</Message></Error>"));
  const auto bare = parseErrorReply("<Error><Code>NoSuchKey</Code></Error>");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->message, "");
}

TEST(S3Xml, FindsElementsInsideNamespacedDocuments) {
  const std::string initiated =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket><Key>k</Key>"
      "<UploadId>VXBsb2FkIElE&amp;1</UploadId></InitiateMultipartUploadResult>";
  EXPECT_EQ(xmlText(initiated, "UploadId"), "VXBsb2FkIElE&1");
  EXPECT_EQ(xmlText(initiated, "ETag"), std::nullopt);
  EXPECT_EQ(xmlText("<ETag>&quot;abc-3&quot;</ETag>", "ETag"), "\"abc-3\"");
  EXPECT_EQ(xmlText("<ETag>unterminated", "ETag"), std::nullopt);
  EXPECT_EQ(xmlText("<A>&unknown; &#xZZ; & alone</A>", "A"), "&unknown; &#xZZ; & alone");
}

TEST(S3Xml, ComposesTheCompletionDocument) {
  EXPECT_EQ(completeMultipartBody({"\"aa\"", "\"b&b\""}),
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"aa\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"b&amp;b\"</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3PartSize, GrowsOnlyWhenTenThousandPartsWouldNotDo) {
  constexpr std::uint64_t kMiB = 1u << 20;
  EXPECT_EQ(partSizeFor(100 * kMiB, 16 * kMiB), 16 * kMiB);
  EXPECT_EQ(partSizeFor(10000 * 16 * kMiB, 16 * kMiB), 16 * kMiB);
  const std::uint64_t total = 10000 * 16 * kMiB + 1;
  const std::uint64_t grown = partSizeFor(total, 16 * kMiB);
  EXPECT_EQ(grown, 17 * kMiB);
  EXPECT_LE((total + grown - 1) / grown, 10000u);
  const std::uint64_t huge = 5ull << 40;  // S3's largest object, 5 TiB
  EXPECT_LE((huge + partSizeFor(huge, 5 * kMiB) - 1) / partSizeFor(huge, 5 * kMiB), 10000u);
}

TEST(S3Etag, IsQuotedOnce) {
  EXPECT_EQ(quotedEtag("abc"), "\"abc\"");
  EXPECT_EQ(quotedEtag("\"abc\""), "\"abc\"");
  EXPECT_EQ(quotedEtag(""), "\"\"");
}

}  // namespace
}  // namespace assetd::blob::s3
