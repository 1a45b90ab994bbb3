// The AWS Common Runtime signing suite, SigV4 part (aws-c-auth tests/aws-signing-test-suite/v4):
// each case is signed both with headers and as a presigned URL, and verify() must accept what the
// reference implementation signed. (The suite's v4a cases, SigV4a with ECDSA P-256, are not used:
// this project signs SigV4 only.)
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/hash.hpp"
#include "core/time.hpp"
#include "sign/sigv4.hpp"
#include "vector_files.hpp"

namespace assetd::sign::sigv4 {
namespace {

using testing::parseRequestText;
using testing::readFile;
using testing::RequestText;

std::filesystem::path crtDir() {
  return testing::vectorsDir() / "aws-sigv4-crt" / "v4";
}

struct Context {
  Credentials credentials;
  std::string region;
  std::string service;
  std::int64_t time = 0;
  std::int64_t expiresSeconds = 0;
  bool normalize = true;
  bool signBody = false;
  bool omitSessionToken = false;
};

struct CrtCase {
  std::string name;

  std::string file(std::string_view file) const { return readFile(crtDir() / name / file); }

  Context context() const {
    const boost::json::object json = boost::json::parse(file("context.json")).as_object();
    const auto& credentials = json.at("credentials").as_object();
    Context c;
    c.credentials.accessKeyId = credentials.at("access_key_id").as_string().c_str();
    c.credentials.secretAccessKey = credentials.at("secret_access_key").as_string().c_str();
    if (const auto* token = credentials.if_contains("token"))
      c.credentials.sessionToken = token->as_string().c_str();
    c.region = json.at("region").as_string().c_str();
    c.service = json.at("service").as_string().c_str();
    c.time = *core::parseIsoMillis(json.at("timestamp").as_string().c_str()) / 1000;
    c.expiresSeconds = json.at("expiration_in_seconds").as_int64();
    c.normalize = json.at("normalize").as_bool();
    c.signBody = json.at("sign_body").as_bool();
    if (const auto* omit = json.if_contains("omit_session_token"))
      c.omitSessionToken = omit->as_bool();
    return c;
  }
};

void PrintTo(const CrtCase& c, std::ostream* os) {
  *os << c.name;
}

std::vector<CrtCase> crtCases() {
  std::vector<CrtCase> cases;
  for (auto& name : testing::caseDirectories(crtDir(), "context.json")) cases.push_back({name});
  return cases;
}

std::string urlOf(const RequestText& request) {
  return "https://" + request.header("Host") + request.path +
         (request.query.empty() ? "" : "?" + request.query);
}

UriRules rulesOf(const Context& context) {
  return {context.normalize, true};
}

QueryParams sortedQuery(std::string_view raw) {
  QueryParams params = parseQuery(raw);
  std::sort(params.begin(), params.end());
  return params;
}

VerifyResult verifySigned(const RequestText& request, const Context& context) {
  const SecretLookup secrets = [&](std::string_view id) -> std::optional<std::string> {
    if (id != context.credentials.accessKeyId) return std::nullopt;
    return context.credentials.secretAccessKey;
  };
  VerifyOptions options;
  options.region = context.region;
  options.service = context.service;
  options.uri = rulesOf(context);
  return verify({request.method, request.path, request.query, request.headers}, secrets,
                context.time, options);
}

class AwsCrtV4 : public ::testing::TestWithParam<CrtCase> {};

TEST_P(AwsCrtV4, HeaderSigningMatches) {
  const CrtCase& c = GetParam();
  const Context context = c.context();
  const RequestText request = parseRequestText(c.file("request.txt"));

  HeaderSignInput input;
  input.method = request.method;
  input.url = urlOf(request);
  input.headers = request.headersWithout("Host");
  input.payloadHash = core::sha256Hex(request.body);
  input.credentials = context.credentials;
  input.region = context.region;
  input.service = context.service;
  input.time = context.time;
  input.uri = rulesOf(context);
  input.addContentSha256 = context.signBody;
  input.signSessionToken = !context.omitSessionToken;
  const HeaderSignature result = signHeaders(input);

  EXPECT_EQ(result.trace.canonicalRequest, c.file("header-canonical-request.txt"));
  EXPECT_EQ(result.trace.stringToSign, c.file("header-string-to-sign.txt"));
  EXPECT_EQ(result.trace.signature, c.file("header-signature.txt"));
  const RequestText expected = parseRequestText(c.file("header-signed-request.txt"));
  EXPECT_EQ(result.authorization, expected.header("Authorization"));
}

TEST_P(AwsCrtV4, QuerySigningMatches) {
  const CrtCase& c = GetParam();
  const Context context = c.context();
  const RequestText request = parseRequestText(c.file("request.txt"));

  PresignInput input;
  input.method = request.method;
  input.url = urlOf(request);
  input.headers = request.headersWithout("Host");
  input.payloadHash = core::sha256Hex(request.body);
  input.credentials = context.credentials;
  input.region = context.region;
  input.service = context.service;
  input.time = context.time;
  input.expiresSeconds = context.expiresSeconds;
  input.uri = rulesOf(context);
  input.signSessionToken = !context.omitSessionToken;
  const Presigned result = presign(input);

  EXPECT_EQ(result.trace.canonicalRequest, c.file("query-canonical-request.txt"));
  EXPECT_EQ(result.trace.stringToSign, c.file("query-string-to-sign.txt"));
  EXPECT_EQ(result.trace.signature, c.file("query-signature.txt"));
  // Same parameters as the reference URL; only their order may differ.
  const RequestText expected = parseRequestText(c.file("query-signed-request.txt"));
  EXPECT_EQ(sortedQuery(testing::splitUrl(result.url).query), sortedQuery(expected.query));
}

TEST_P(AwsCrtV4, VerifyAcceptsTheHeaderSignedRequest) {
  const CrtCase& c = GetParam();
  const Context context = c.context();
  const RequestText request = parseRequestText(c.file("header-signed-request.txt"));
  const VerifyResult result = verifySigned(request, context);
  ASSERT_TRUE(result.ok()) << result.code() << ": " << result.message;
  EXPECT_FALSE(result.presigned);
  EXPECT_EQ(result.accessKeyId, "AKIDEXAMPLE");
  EXPECT_EQ(result.payloadHash, core::sha256Hex(request.body));
}

TEST_P(AwsCrtV4, VerifyChecksTheQuerySignedRequest) {
  const CrtCase& c = GetParam();
  const Context context = c.context();
  RequestText request = parseRequestText(c.file("query-signed-request.txt"));
  // The suite's service is not S3: its presigned URLs sign the body hash, where S3's sign
  // UNSIGNED-PAYLOAD. The client states that hash in x-amz-content-sha256 (an unsigned header).
  const std::string bodyHash = core::sha256Hex(request.body);
  request.headers.emplace_back("x-amz-content-sha256", bodyHash);
  const VerifyResult result = verifySigned(request, context);
  if (context.omitSessionToken) {
    // The token was added after signing; an S3-style check signs every query parameter.
    EXPECT_EQ(result.error, AuthError::SignatureDoesNotMatch) << result.message;
    return;
  }
  ASSERT_TRUE(result.ok()) << result.code() << ": " << result.message;
  EXPECT_TRUE(result.presigned);
  EXPECT_EQ(result.payloadHash, bodyHash);
}

INSTANTIATE_TEST_SUITE_P(AwsCAuth, AwsCrtV4, ::testing::ValuesIn(crtCases()),
                         [](const auto& info) { return testing::testName(info.param.name); });

TEST(AwsCrtV4Files, AllThirtyEightCasesArePresent) {
  EXPECT_EQ(crtCases().size(), 38u);
}

}  // namespace
}  // namespace assetd::sign::sigv4
