#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/error.hpp"
#include "core/time.hpp"
#include "sign/sigv4.hpp"
#include "vector_files.hpp"

namespace assetd::sign::sigv4 {
namespace {

std::string text(const boost::json::object& object, std::string_view key) {
  return object.at(key).as_string().c_str();
}

// The example of the Amazon S3 API Reference, "Authenticating Requests: Using Query Parameters
// (AWS Signature Version 4)": a GET of examplebucket/test.txt valid for 86400 seconds.
TEST(S3PresignDocExample, ReproducesTheDocumentedUrlExactly) {
  const boost::json::object doc =
      boost::json::parse(testing::readFile(testing::vectorsDir() / "s3-presign-doc-example.json"))
          .as_object();
  const auto& in = doc.at("inputs").as_object();
  const auto& expected = doc.at("expected").as_object();

  PresignInput input;
  input.method = text(in, "method");
  input.url = text(in, "scheme") + "://" + text(in, "host") + text(in, "canonical_uri");
  input.credentials = {text(in, "access_key_id"), text(in, "secret_access_key"), ""};
  input.region = text(in, "region");
  input.service = text(in, "service");
  input.time = *core::parseIsoMillis(text(in, "timestamp")) / 1000;
  input.expiresSeconds = in.at("expires_seconds").as_int64();
  ASSERT_EQ(input.payloadHash, text(in, "payload_hash"));  // the default: UNSIGNED-PAYLOAD

  const Presigned result = presign(input);
  EXPECT_EQ(result.trace.canonicalRequest, text(expected, "canonical_request"));
  EXPECT_EQ(result.trace.stringToSign, text(expected, "string_to_sign"));
  EXPECT_EQ(result.trace.signature, text(expected, "signature"));
  EXPECT_EQ(result.url, text(expected, "url"));
}

PresignInput baseInput() {
  PresignInput input;
  input.url = "https://bucket.s3.us-west-2.amazonaws.com/photos/cat.jpg";
  input.credentials = {"AKIAEXAMPLE", "secret", ""};
  input.region = "us-west-2";
  input.time = 1700000000;  // 2023-11-14T22:13:20Z
  input.expiresSeconds = 900;
  return input;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

TEST(Presign, PutsANonDefaultPortIntoTheHostHeader) {
  PresignInput input = baseInput();
  input.url = "http://localhost:9000/bucket/key";
  const Presigned local = presign(input);
  EXPECT_TRUE(contains(local.trace.canonicalRequest, "\nhost:localhost:9000\n"));
  EXPECT_TRUE(local.url.starts_with("http://localhost:9000/bucket/key?"));

  input.url = "https://s3.example.com:443/bucket/key";
  const Presigned https = presign(input);
  EXPECT_TRUE(contains(https.trace.canonicalRequest, "\nhost:s3.example.com\n"));
  EXPECT_TRUE(https.url.starts_with("https://s3.example.com:443/bucket/key?"));
}

TEST(Presign, SignsExtraHeadersBesideHost) {
  PresignInput input = baseInput();
  input.method = "PUT";
  input.headers = {{"Content-Type", "image/jpeg"}, {"Host", "ignored.example.com"}};
  const Presigned result = presign(input);
  EXPECT_TRUE(contains(result.url, "&X-Amz-SignedHeaders=content-type%3Bhost&"));
  EXPECT_TRUE(contains(result.trace.canonicalRequest,
                       "\ncontent-type:image/jpeg\nhost:bucket.s3.us-west-2.amazonaws.com\n\n"
                       "content-type;host\nUNSIGNED-PAYLOAD"));
  EXPECT_TRUE(result.trace.canonicalRequest.starts_with("PUT\n/photos/cat.jpg\n"));
}

TEST(Presign, SignsTheSessionTokenOrAppendsItAfterwards) {
  PresignInput input = baseInput();
  input.credentials.sessionToken = "token/with+chars=";
  const Presigned signedToken = presign(input);
  EXPECT_TRUE(contains(signedToken.trace.canonicalRequest,
                       "&X-Amz-Security-Token=token%2Fwith%2Bchars%3D&"));
  EXPECT_TRUE(contains(signedToken.url, "&X-Amz-Security-Token=token%2Fwith%2Bchars%3D&"));

  input.signSessionToken = false;
  const Presigned appended = presign(input);
  EXPECT_FALSE(contains(appended.trace.canonicalRequest, "X-Amz-Security-Token"));
  EXPECT_TRUE(
      contains(appended.url, "&X-Amz-Security-Token=token%2Fwith%2Bchars%3D&X-Amz-Signature="));
}

TEST(Presign, SignsAndKeepsTheUrlsOwnQuery) {
  PresignInput input = baseInput();
  input.url += "?response-content-disposition=attachment%3B%20filename%3D%22cat.jpg%22&versionId=3";
  const Presigned result = presign(input);
  const std::string expected =
      "response-content-disposition=attachment%3B%20filename%3D%22cat.jpg%22&versionId=3";
  EXPECT_TRUE(
      contains(result.trace.canonicalRequest, "&X-Amz-SignedHeaders=host&" + expected + "\n"));
  EXPECT_TRUE(contains(result.url, "&X-Amz-SignedHeaders=host&" + expected + "&X-Amz-Signature="));
}

TEST(Presign, EncodesTheObjectKeyOnce) {
  PresignInput input = baseInput();
  input.url = "https://b.s3.amazonaws.com/my photos/a+b%20c.jpg";
  const Presigned result = presign(input);
  EXPECT_TRUE(result.url.starts_with("https://b.s3.amazonaws.com/my%20photos/a%2Bb%20c.jpg?"));
  EXPECT_TRUE(result.trace.canonicalRequest.starts_with("GET\n/my%20photos/a%2Bb%20c.jpg\n"));
}

TEST(Presign, ExpiryMustBeFromOneSecondToAWeek) {
  PresignInput input = baseInput();
  for (std::int64_t ok : {std::int64_t{1}, kMaxExpiresSeconds}) {
    input.expiresSeconds = ok;
    EXPECT_TRUE(contains(presign(input).url, "&X-Amz-Expires=" + std::to_string(ok) + "&"));
  }
  for (std::int64_t bad : {std::int64_t{0}, std::int64_t{-5}, kMaxExpiresSeconds + 1}) {
    input.expiresSeconds = bad;
    try {
      presign(input);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const core::ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_EQ(std::string(e.what()), "expiresSeconds: must be between 1 and 604800");
    }
  }
}

std::string presignError(const PresignInput& input) {
  try {
    presign(input);
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.what();
  }
  return "no error";
}

TEST(Presign, RejectsInvalidInputNamingTheField) {
  PresignInput input = baseInput();
  input.url = "not a url";
  EXPECT_TRUE(presignError(input).starts_with("url: ")) << presignError(input);
  input = baseInput();
  input.url += "?X-Amz-Signature=abc";
  EXPECT_EQ(presignError(input), "url: already carries the parameter X-Amz-Signature");
  // A payload hash the verifier would refuse (found by fuzz_sigv4): the URL could never verify.
  for (const char* query :
       {"?X-Amz-Content-Sha256", "?X-Amz-Content-Sha256=abc",
        "?X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD"}) {
    input = baseInput();
    input.url += query;
    EXPECT_TRUE(presignError(input).starts_with("url: X-Amz-Content-Sha256 must be given once"))
        << query << ": " << presignError(input);
  }
  input = baseInput();
  input.url += "?X-Amz-Content-Sha256=UNSIGNED-PAYLOAD";
  EXPECT_EQ(presignError(input), "no error");
  input = baseInput();
  input.credentials.accessKeyId.clear();
  EXPECT_EQ(presignError(input), "credentials.accessKeyId: required");
  input = baseInput();
  input.credentials.secretAccessKey.clear();
  EXPECT_EQ(presignError(input), "credentials.secretAccessKey: required");
  input = baseInput();
  input.region.clear();
  EXPECT_TRUE(presignError(input).starts_with("region: "));
  input = baseInput();
  input.method = "GE T";
  EXPECT_TRUE(presignError(input).starts_with("method: "));
  input = baseInput();
  input.time = -1;
  EXPECT_TRUE(presignError(input).starts_with("time: "));
  input = baseInput();
  input.headers = {{"Content-Type", "text/plain\r\nX-Injected: 1"}};
  EXPECT_EQ(presignError(input), "headers.Content-Type: must not contain control characters");
  input = baseInput();
  input.headers = {{"Bad Name", "x"}};
  EXPECT_EQ(presignError(input), "headers: invalid header name");
}

TEST(SignHeaders, RejectsAHeaderWithALineBreak) {
  HeaderSignInput input;
  input.url = "https://bucket.s3.amazonaws.com/key";
  input.credentials = {"AKIAEXAMPLE", "secret", ""};
  input.headers = {{"X-Amz-Meta-Note", "a\nb"}};
  EXPECT_THROW(signHeaders(input), core::ApiError);
}

TEST(Presign, DependsOnEverySignedInput) {
  const std::string reference = presign(baseInput()).trace.signature;
  PresignInput input = baseInput();
  input.time += 1;
  EXPECT_NE(presign(input).trace.signature, reference);
  input = baseInput();
  input.method = "PUT";
  EXPECT_NE(presign(input).trace.signature, reference);
  input = baseInput();
  input.credentials.secretAccessKey = "other";
  EXPECT_NE(presign(input).trace.signature, reference);
  input = baseInput();
  input.region = "eu-west-1";
  EXPECT_NE(presign(input).trace.signature, reference);
  EXPECT_EQ(presign(baseInput()).trace.signature, reference);
}

TEST(SignHeaders, AddsTheS3HeadersAndAnAuthorization) {
  HeaderSignInput input;
  input.method = "PUT";
  input.url = "https://bucket.s3.amazonaws.com/key?tagging";
  input.headers = {{"Content-Type", "text/plain"}, {"User-Agent", "assetd"}, {"X-Amz-Date", "old"}};
  input.payloadHash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  input.credentials = {"AKIAEXAMPLE", "secret", ""};
  input.time = 1700000000;
  const HeaderSignature result = signHeaders(input);

  ASSERT_EQ(result.headers.size(), 4u);
  EXPECT_EQ(result.headers[0],
            (std::pair<std::string, std::string>("Host", "bucket.s3.amazonaws.com")));
  EXPECT_EQ(result.headers[1],
            (std::pair<std::string, std::string>("X-Amz-Date", "20231114T221320Z")));
  EXPECT_EQ(result.headers[2],
            (std::pair<std::string, std::string>("X-Amz-Content-Sha256", input.payloadHash)));
  EXPECT_EQ(result.headers[3].first, "Authorization");
  EXPECT_EQ(result.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20231114/us-east-1/s3/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=" +
                result.trace.signature);
  EXPECT_EQ(result.trace.canonicalRequest,
            "PUT\n/key\ntagging=\ncontent-type:text/plain\nhost:bucket.s3.amazonaws.com\n"
            "x-amz-content-sha256:" +
                input.payloadHash +
                "\nx-amz-date:20231114T221320Z\n\n"
                "content-type;host;x-amz-content-sha256;x-amz-date\n" +
                input.payloadHash);
}

}  // namespace
}  // namespace assetd::sign::sigv4
