// verify() against what presign() and signHeaders() produce, and against every way a request
// can be wrong.
#include <gtest/gtest.h>

#include "sign/sigv4.hpp"
#include "vector_files.hpp"

namespace assetd::sign::sigv4 {
namespace {

constexpr std::int64_t kSignedAt = 1700000000;  // 2023-11-14T22:13:20Z
const Credentials kCredentials{"AKIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};

std::optional<std::string> lookup(std::string_view id) {
  if (id == kCredentials.accessKeyId) return kCredentials.secretAccessKey;
  return std::nullopt;
}

VerifyOptions s3Options() {
  VerifyOptions options;
  options.region = "us-east-1";
  return options;
}

// A request as the server receives it.
struct Received {
  std::string method = "GET";
  std::string path;
  std::string query;
  Headers headers;

  VerifyResult verifyAt(std::int64_t now, const VerifyOptions& options = s3Options()) const {
    return verify({method, path, query, headers}, lookup, now, options);
  }
};

PresignInput presignInput() {
  PresignInput input;
  input.url = "http://127.0.0.1:8080/assets/org1/proj1/photo%201.jpg?versionId=7";
  input.credentials = kCredentials;
  input.time = kSignedAt;
  input.expiresSeconds = 3600;
  return input;
}

Received receive(const std::string& url, std::string method = "GET") {
  const testing::UrlParts parts = testing::splitUrl(url);
  return {std::move(method), parts.path, parts.query, {{"Host", parts.host}}};
}

Received presigned() {
  return receive(presign(presignInput()).url);
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from << " not in " << text;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

void expectError(const VerifyResult& result, AuthError error, std::string_view messagePart = {}) {
  EXPECT_EQ(result.error, error) << result.code() << ": " << result.message;
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.message.find(messagePart), std::string::npos) << result.message;
}

TEST(VerifyPresigned, AcceptsWhatPresignProduced) {
  const VerifyResult result = presigned().verifyAt(kSignedAt + 10);
  ASSERT_TRUE(result.ok()) << result.code() << ": " << result.message;
  EXPECT_TRUE(result.presigned);
  EXPECT_EQ(result.accessKeyId, "AKIAEXAMPLE");
  EXPECT_EQ(result.payloadHash, kUnsignedPayload);
  EXPECT_EQ(result.status(), 200);
}

TEST(VerifyPresigned, AcceptsExtraSignedHeadersAndASessionToken) {
  PresignInput input = presignInput();
  input.method = "PUT";
  input.headers = {{"Content-Type", "image/jpeg"}};
  input.credentials.sessionToken = "session-token";
  Received request = receive(presign(input).url, "PUT");
  request.headers.emplace_back("content-type", "image/jpeg");
  EXPECT_TRUE(request.verifyAt(kSignedAt).ok());

  request.headers.back().second = "text/html";
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);
}

TEST(VerifyPresigned, AcceptsAPathEncodedDifferentlyOnTheWire) {
  Received request = presigned();
  request.path = replaced(request.path, "photo%201.jpg", "photo 1.jpg");
  EXPECT_TRUE(request.verifyAt(kSignedAt).ok());
}

TEST(VerifyPresigned, AcceptsTheWholeValidityWindow) {
  EXPECT_TRUE(presigned().verifyAt(kSignedAt).ok());
  EXPECT_TRUE(presigned().verifyAt(kSignedAt + 3600).ok());
  EXPECT_TRUE(presigned().verifyAt(kSignedAt - 60).ok());  // a client clock slightly ahead
}

TEST(VerifyPresigned, RejectsATamperedPath) {
  Received request = presigned();
  request.path = replaced(request.path, "proj1", "proj2");
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);
  EXPECT_EQ(request.verifyAt(kSignedAt).status(), 403);
}

TEST(VerifyPresigned, RejectsATamperedQuery) {
  Received request = presigned();
  request.query = replaced(request.query, "versionId=7", "versionId=8");
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);

  request = presigned();
  request.query += "&response-content-type=text%2Fhtml";
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);

  request = presigned();
  request.query = replaced(request.query, "X-Amz-Expires=3600", "X-Amz-Expires=7200");
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);
}

TEST(VerifyPresigned, RejectsATamperedSignature) {
  Received request = presigned();
  const std::size_t at = request.query.find("X-Amz-Signature=") + 16;
  request.query[at] = request.query[at] == '0' ? '1' : '0';
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);
}

TEST(VerifyPresigned, RejectsTheWrongSecret) {
  PresignInput input = presignInput();
  input.credentials.secretAccessKey = "not-the-secret";
  expectError(receive(presign(input).url).verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);
}

TEST(VerifyPresigned, RejectsAnUnknownAccessKey) {
  PresignInput input = presignInput();
  input.credentials.accessKeyId = "AKIAUNKNOWN";
  const VerifyResult result = receive(presign(input).url).verifyAt(kSignedAt);
  expectError(result, AuthError::InvalidAccessKeyId);
  EXPECT_EQ(result.code(), "InvalidAccessKeyId");
  EXPECT_EQ(result.status(), 403);
}

TEST(VerifyPresigned, RejectsTheWrongMethod) {
  Received request = presigned();
  request.method = "DELETE";
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);
}

TEST(VerifyPresigned, RejectsTheWrongHost) {
  Received request = presigned();
  request.headers = {{"Host", "evil.example.com:8080"}};
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);
}

TEST(VerifyPresigned, RejectsAnExpiredUrl) {
  const VerifyResult result = presigned().verifyAt(kSignedAt + 3601);
  expectError(result, AuthError::AccessDenied, "Request has expired");
  EXPECT_EQ(result.status(), 403);
}

TEST(VerifyPresigned, RejectsAFutureDatedUrl) {
  PresignInput input = presignInput();
  input.time = kSignedAt + 2 * 3600;
  expectError(receive(presign(input).url).verifyAt(kSignedAt), AuthError::AccessDenied,
              "not valid yet");
}

TEST(VerifyPresigned, ChecksTheBodyHashTheClientStates) {
  Received request = presigned();
  request.headers.emplace_back("x-amz-content-sha256", std::string(kEmptyPayloadHash));
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);
}

TEST(VerifyPresigned, RejectsMalformedQueryParameters) {
  const std::string query = presigned().query;
  struct Case {
    std::string query;
    std::string messagePart;
  };
  const std::vector<Case> cases = {
      {replaced(query, "X-Amz-Algorithm=AWS4-HMAC-SHA256&", ""),
       "missing the query parameter X-Amz-Algorithm"},
      {replaced(query, "X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA1"),
       "X-Amz-Algorithm"},
      {replaced(query, "X-Amz-Credential=AKIAEXAMPLE%2F", "X-Amz-Credential="), "X-Amz-Credential"},
      {replaced(query, "%2Faws4_request", "%2Faws5_request"), "aws4_request"},
      {replaced(query, "X-Amz-Date=20231114T221320Z", "X-Amz-Date=2023-11-14T22%3A13%3A20Z"),
       "X-Amz-Date"},
      {replaced(query, "X-Amz-Date=20231114T221320Z", "X-Amz-Date=20231115T221320Z"),
       "does not match"},
      {replaced(query, "X-Amz-Expires=3600", "X-Amz-Expires=604801"), "604800"},
      {replaced(query, "X-Amz-Expires=3600", "X-Amz-Expires=0"), "604800"},
      {replaced(query, "X-Amz-Expires=3600", "X-Amz-Expires=-1"), "X-Amz-Expires"},
      {replaced(query, "X-Amz-Expires=3600", "X-Amz-Expires=1h"), "X-Amz-Expires"},
      {replaced(query, "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=content-type"), "host"},
      {replaced(query, "%2Fus-east-1%2F", "%2Feu-west-1%2F"), "region"},
      {replaced(query, "%2Fs3%2F", "%2Fsqs%2F"), "service"},
      {query + "&X-Amz-Date=20231114T221320Z", "repeated"},
      {replaced(query, "X-Amz-Signature=", "X-Amz-Sig="), "X-Amz-Signature"},
  };
  for (const Case& c : cases) {
    Received request = presigned();
    request.query = c.query;
    const VerifyResult result = request.verifyAt(kSignedAt);
    expectError(result, AuthError::AuthorizationQueryParametersError, c.messagePart);
    EXPECT_EQ(result.status(), 400) << c.query;
  }
}

TEST(VerifyPresigned, AcceptsAnyRegionWhenNoneIsConfigured) {
  PresignInput input = presignInput();
  input.region = "eu-central-1";
  const Received request = receive(presign(input).url);
  expectError(request.verifyAt(kSignedAt), AuthError::AuthorizationQueryParametersError, "region");
  EXPECT_TRUE(request.verifyAt(kSignedAt, VerifyOptions{}).ok());
}

HeaderSignInput headerInput() {
  HeaderSignInput input;
  input.method = "PUT";
  input.url = "http://127.0.0.1:8080/assets/org1/a%2Bb.txt?partNumber=1&uploadId=x";
  input.headers = {{"Content-Type", "text/plain"}, {"Content-Length", "5"}};
  input.payloadHash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  input.credentials = kCredentials;
  input.time = kSignedAt;
  return input;
}

Received headerSigned(const HeaderSignInput& input = headerInput()) {
  const HeaderSignature signature = signHeaders(input);
  Received request = receive(input.url, input.method);
  request.headers = input.headers;
  for (const auto& header : signature.headers) request.headers.push_back(header);
  return request;
}

TEST(VerifyHeaders, AcceptsWhatSignHeadersProduced) {
  const VerifyResult result = headerSigned().verifyAt(kSignedAt + 60);
  ASSERT_TRUE(result.ok()) << result.code() << ": " << result.message;
  EXPECT_FALSE(result.presigned);
  EXPECT_EQ(result.payloadHash, headerInput().payloadHash);
  EXPECT_EQ(result.amzDate, "20231114T221320Z");
  EXPECT_EQ(result.scope, "20231114/us-east-1/s3/aws4_request");
  EXPECT_EQ(result.signingKey,
            signingKey(kCredentials.secretAccessKey, "20231114", "us-east-1", "s3"));
}

TEST(VerifyHeaders, ReportsAStreamingPayload) {
  HeaderSignInput input = headerInput();
  input.payloadHash = kStreamingPayload;
  const VerifyResult result = headerSigned(input).verifyAt(kSignedAt);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.payloadHash, kStreamingPayload);
  EXPECT_FALSE(result.signature.empty());
}

TEST(VerifyHeaders, RejectsATamperedRequest) {
  Received request = headerSigned();
  request.path = replaced(request.path, "org1", "org2");
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);

  request = headerSigned();
  request.query = replaced(request.query, "partNumber=1", "partNumber=2");
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);

  request = headerSigned();
  request.method = "POST";
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);

  request = headerSigned();
  for (auto& [name, value] : request.headers)
    if (name == "Content-Type") value = "text/html";
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);

  request = headerSigned();
  for (auto& [name, value] : request.headers)
    if (name == "X-Amz-Content-Sha256") value = std::string(kUnsignedPayload);
  expectError(request.verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);
}

TEST(VerifyHeaders, IgnoresUnsignedHeaders) {
  Received request = headerSigned();
  request.headers.emplace_back("User-Agent", "curl/8");
  request.headers.emplace_back("X-Forwarded-For", "10.0.0.1");
  EXPECT_TRUE(request.verifyAt(kSignedAt).ok());
}

TEST(VerifyHeaders, RejectsTheWrongSecretAndUnknownKeys) {
  HeaderSignInput input = headerInput();
  input.credentials.secretAccessKey = "wrong";
  expectError(headerSigned(input).verifyAt(kSignedAt), AuthError::SignatureDoesNotMatch);
  input = headerInput();
  input.credentials.accessKeyId = "AKIAUNKNOWN";
  expectError(headerSigned(input).verifyAt(kSignedAt), AuthError::InvalidAccessKeyId);
}

TEST(VerifyHeaders, RequiresTheDateWithinFifteenMinutes) {
  EXPECT_TRUE(headerSigned().verifyAt(kSignedAt + 15 * 60).ok());
  EXPECT_TRUE(headerSigned().verifyAt(kSignedAt - 15 * 60).ok());
  const VerifyResult late = headerSigned().verifyAt(kSignedAt + 15 * 60 + 1);
  expectError(late, AuthError::RequestTimeTooSkewed);
  EXPECT_EQ(late.status(), 403);
  expectError(headerSigned().verifyAt(kSignedAt - 15 * 60 - 1), AuthError::RequestTimeTooSkewed);
}

std::string authorizationOf(const Received& request) {
  for (const auto& [name, value] : request.headers)
    if (name == "Authorization") return value;
  return "";
}

Received withAuthorization(std::string value) {
  Received request = headerSigned();
  for (auto& [name, header] : request.headers)
    if (name == "Authorization") header = std::move(value);
  return request;
}

TEST(VerifyHeaders, RejectsAMalformedAuthorization) {
  const std::string authorization = authorizationOf(headerSigned());
  for (const std::string& bad : {
           std::string("AWS AKIAEXAMPLE:c2lnbmF0dXJl"),
           std::string("AWS4-HMAC-SHA256"),
           replaced(authorization, "Credential=", "Credentials="),
           replaced(authorization, ", Signature=", ", Sig="),
           replaced(authorization, "SignedHeaders=", "X=y, SignedHeaders="),
           authorization + ", Signature=00",
           replaced(authorization, "/aws4_request", ""),
           replaced(authorization, "Credential=AKIAEXAMPLE/20231114",
                    "Credential=AKIAEXAMPLE/2023111"),
           replaced(authorization, "Credential=AKIAEXAMPLE/20231114",
                    "Credential=AKIAEXAMPLE/20231115"),
           replaced(authorization, "content-type;host;", "content-type;"),
           replaced(authorization, "/us-east-1/", "/us-west-2/"),
       }) {
    const VerifyResult result = withAuthorization(bad).verifyAt(kSignedAt);
    expectError(result, AuthError::AccessDenied);
    EXPECT_EQ(result.status(), 403) << bad;
  }
}

TEST(VerifyHeaders, RejectsAMissingOrMalformedDateOrPayloadHash) {
  Received request = headerSigned();
  std::erase_if(request.headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
  expectError(request.verifyAt(kSignedAt), AuthError::AccessDenied, "x-amz-date");

  request = headerSigned();
  for (auto& [name, value] : request.headers)
    if (name == "X-Amz-Date") value = "Tue, 14 Nov 2023 22:13:20 GMT";
  expectError(request.verifyAt(kSignedAt), AuthError::AccessDenied, "x-amz-date");

  request = headerSigned();
  for (auto& [name, value] : request.headers)
    if (name == "X-Amz-Content-Sha256") value = "not-a-hash";
  expectError(request.verifyAt(kSignedAt), AuthError::AccessDenied, "x-amz-content-sha256");
}

TEST(Verify, RejectsAnUnsignedRequest) {
  const Received request{"GET", "/assets/x", "", {{"Host", "127.0.0.1:8080"}}};
  const VerifyResult result = request.verifyAt(kSignedAt);
  expectError(result, AuthError::AccessDenied, "not signed");
  EXPECT_EQ(result.code(), "AccessDenied");
}

TEST(Verify, RejectsBothMechanismsAtOnce) {
  Received request = presigned();
  request.headers.emplace_back("Authorization", authorizationOf(headerSigned()));
  expectError(request.verifyAt(kSignedAt), AuthError::AccessDenied, "only one");
}

TEST(Verify, SurvivesGarbage) {
  for (const std::string& query :
       {std::string("X-Amz-Signature"), std::string("X-Amz-Algorithm=&&&=&X-Amz-Credential=%"),
        std::string("X-Amz-Credential=////&X-Amz-Signature=%zz")}) {
    const Received request{"GET", "/%", query, {}};
    EXPECT_FALSE(request.verifyAt(kSignedAt).ok()) << query;
  }
  const Received request{"GET", "", "", {{"authorization", "AWS4-HMAC-SHA256 ,,,==,"}}};
  EXPECT_EQ(request.verifyAt(kSignedAt).error, AuthError::AccessDenied);
}

}  // namespace
}  // namespace assetd::sign::sigv4
