// The canonicalization rules one at a time, beyond what the published suites exercise.
#include <gtest/gtest.h>

#include "sign/crypto.hpp"
#include "sign/sigv4.hpp"

namespace assetd::sign::sigv4 {
namespace {

TEST(NormalizePath, RemovesDotSegmentsAndEmptySegments) {
  EXPECT_EQ(normalizePath(""), "/");
  EXPECT_EQ(normalizePath("/"), "/");
  EXPECT_EQ(normalizePath("//"), "/");
  EXPECT_EQ(normalizePath("//a//b//"), "/a/b/");
  EXPECT_EQ(normalizePath("/a/./b/../c"), "/a/c");
  EXPECT_EQ(normalizePath("/a/b/../.."), "/");
  EXPECT_EQ(normalizePath("/../a"), "/a");
}

TEST(CanonicalUri, S3EncodesOnceAndKeepsThePathAsNamed) {
  // An object key "my-object//example//photo.user" must keep its double slashes.
  EXPECT_EQ(canonicalUri("/my-object//example//photo.user", UriRules::s3()),
            "/my-object//example//photo.user");
  EXPECT_EQ(canonicalUri("/a/./b/../c", UriRules::s3()), "/a/./b/../c");
  // Encoded or not on the wire, the key gets the same canonical form.
  EXPECT_EQ(canonicalUri("/photos/my%20photo.jpg", UriRules::s3()), "/photos/my%20photo.jpg");
  EXPECT_EQ(canonicalUri("/photos/my photo.jpg", UriRules::s3()), "/photos/my%20photo.jpg");
  EXPECT_EQ(canonicalUri("/a+b$c", UriRules::s3()), "/a%2Bb%24c");
  EXPECT_EQ(canonicalUri("/a%2fb", UriRules::s3()), "/a/b");
  EXPECT_EQ(canonicalUri("", UriRules::s3()), "/");
}

TEST(CanonicalUri, OtherServicesNormalizeAndEncodeTwice) {
  EXPECT_EQ(canonicalUri("/documents and settings/", UriRules::otherServices()),
            "/documents%20and%20settings/");
  EXPECT_EQ(canonicalUri("/a%20b", UriRules::otherServices()), "/a%2520b");
  EXPECT_EQ(canonicalUri("//a/./b/../c", UriRules::otherServices()), "/a/c");
}

TEST(CanonicalUri, RulesCombine) {
  EXPECT_EQ(canonicalUri("//a/%20", UriRules{true, false}), "/a/%20");
  EXPECT_EQ(canonicalUri("//a/%20", UriRules{false, true}), "//a/%2520");
}

TEST(CanonicalQuery, SortsByNameThenValueAfterEncoding) {
  EXPECT_EQ(canonicalQuery("b=2&a=2&a=1&A=3"), "A=3&a=1&a=2&b=2");
  EXPECT_EQ(canonicalQuery("prefix=somePrefix&marker=someMarker&max-keys=20"),
            "marker=someMarker&max-keys=20&prefix=somePrefix");
}

TEST(CanonicalQuery, EncodesPerRfc3986) {
  EXPECT_EQ(canonicalQuery("k=a b"), "k=a%20b");
  EXPECT_EQ(canonicalQuery("k=a%20b"), "k=a%20b");
  EXPECT_EQ(canonicalQuery("k=a+b"), "k=a%2Bb");  // '+' is a plus, not a space
  EXPECT_EQ(canonicalQuery("k=%2f%7E"), "k=%2F~");
  EXPECT_EQ(canonicalQuery(QueryParams{{"a/b", "c=d"}}), "a%2Fb=c%3Dd");
}

TEST(CanonicalQuery, GivesValuelessParametersAnEmptyValue) {
  EXPECT_EQ(canonicalQuery("acl"), "acl=");
  EXPECT_EQ(canonicalQuery("uploads&x="), "uploads=&x=");
  EXPECT_EQ(canonicalQuery(""), "");
}

TEST(CanonicalQuery, LeavesOutTheSkippedParameter) {
  EXPECT_EQ(canonicalQuery("X-Amz-Signature=abc&b=1&a=2", "X-Amz-Signature"), "a=2&b=1");
}

TEST(CanonicalHeaderValue, TrimsAndFoldsBlanks) {
  EXPECT_EQ(canonicalHeaderValue("  a   b \t c  "), "a b c");
  EXPECT_EQ(canonicalHeaderValue("\"a   b\""), "\"a b\"");
  EXPECT_EQ(canonicalHeaderValue("   "), "");
}

TEST(CanonicalHeaders, LowercasesSortsAndJoinsRepeatedHeaders) {
  const Headers headers = {{"Host", "example.com"},
                           {"X-Amz-Meta-A", " one "},
                           {"Content-Type", "text/plain"},
                           {"x-amz-meta-a", "two"},
                           {"User-Agent", "not signed"}};
  const CanonicalHeaders canonical =
      canonicalHeaders(headers, {"x-amz-meta-a", "HOST", "content-type"});
  EXPECT_EQ(canonical.lines, "content-type:text/plain\nhost:example.com\nx-amz-meta-a:one,two\n");
  EXPECT_EQ(canonical.signedHeaders, "content-type;host;x-amz-meta-a");
}

TEST(HeaderNames, AreLowercaseSortedAndUnique) {
  const std::vector<std::string> expected = {"a", "b"};
  EXPECT_EQ(headerNames({{"B", "1"}, {"a", "2"}, {"b", "3"}}), expected);
}

TEST(CanonicalRequest, JoinsTheSixParts) {
  const CanonicalHeaders headers{"host:h\n", "host"};
  EXPECT_EQ(canonicalRequest("PUT", "/k", "a=1", headers, std::string(kUnsignedPayload)),
            "PUT\n/k\na=1\nhost:h\n\nhost\nUNSIGNED-PAYLOAD");
}

TEST(AmzDate, FormatsAndParsesTheBasicFormat) {
  EXPECT_EQ(amzDate(1440938160), "20150830T123600Z");
  EXPECT_EQ(amzDate(0), "19700101T000000Z");
  EXPECT_EQ(parseAmzDate("20150830T123600Z"), 1440938160);
  EXPECT_EQ(parseAmzDate(amzDate(1700000000)), 1700000000);
}

TEST(AmzDate, RejectsOtherShapes) {
  for (const char* bad :
       {"", "20150830T123600", "2015-08-30T12:36:00Z", "20150830T1236000", "20151330T123600Z",
        "20150231T123600Z", "20150830T253600Z", "2015083OT123600Z", "20150830X123600Z"})
    EXPECT_FALSE(parseAmzDate(bad)) << bad;
}

TEST(CredentialScope, JoinsDateRegionServiceAndTerminator) {
  EXPECT_EQ(credentialScope("20130524", "us-east-1", "s3"), "20130524/us-east-1/s3/aws4_request");
}

TEST(SigningKey, MatchesTheDocumentedDerivationExample) {
  // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
  EXPECT_EQ(crypto::hex(signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                   "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(ErrorTable, GivesS3CodesAndStatuses) {
  EXPECT_EQ(errorCode(AuthError::SignatureDoesNotMatch), "SignatureDoesNotMatch");
  EXPECT_EQ(httpStatus(AuthError::SignatureDoesNotMatch), 403);
  EXPECT_EQ(errorCode(AuthError::AccessDenied), "AccessDenied");
  EXPECT_EQ(httpStatus(AuthError::AccessDenied), 403);
  EXPECT_EQ(errorCode(AuthError::InvalidAccessKeyId), "InvalidAccessKeyId");
  EXPECT_EQ(httpStatus(AuthError::InvalidAccessKeyId), 403);
  EXPECT_EQ(errorCode(AuthError::AuthorizationQueryParametersError),
            "AuthorizationQueryParametersError");
  EXPECT_EQ(httpStatus(AuthError::AuthorizationQueryParametersError), 400);
  EXPECT_EQ(errorCode(AuthError::RequestTimeTooSkewed), "RequestTimeTooSkewed");
  EXPECT_EQ(httpStatus(AuthError::RequestTimeTooSkewed), 403);
  EXPECT_EQ(errorCode(AuthError::XAmzContentSHA256Mismatch), "XAmzContentSHA256Mismatch");
  EXPECT_EQ(httpStatus(AuthError::XAmzContentSHA256Mismatch), 400);
  EXPECT_EQ(errorCode(AuthError::None), "");
  EXPECT_EQ(httpStatus(AuthError::None), 200);
}

}  // namespace
}  // namespace assetd::sign::sigv4
