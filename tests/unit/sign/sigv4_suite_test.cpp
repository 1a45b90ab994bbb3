// The AWS Signature Version 4 test suite (as kept by botocore): every case's request (.req)
// must canonicalize to its .creq, give its .sts, and sign to its .authz.
#include <gtest/gtest.h>

#include "core/hash.hpp"
#include "core/time.hpp"
#include "sign/sigv4.hpp"
#include "vector_files.hpp"

namespace assetd::sign::sigv4 {
namespace {

using testing::parseRequestText;
using testing::readFile;
using testing::RequestText;

// The suite's fixed inputs (they are not in the files).
constexpr std::string_view kAccessKey = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kRegion = "us-east-1";
constexpr std::string_view kService = "service";
constexpr std::string_view kAmzDate = "20150830T123600Z";
constexpr std::string_view kScope = "20150830/us-east-1/service/aws4_request";

std::filesystem::path suiteDir() {
  return testing::vectorsDir() / "aws-sigv4";
}

struct SuiteCase {
  std::string name;  // "get-vanilla", "normalize-path/get-slash", ...
  std::string file(std::string_view extension) const {
    const std::string base = std::filesystem::path(name).filename().string();
    return readFile(suiteDir() / name / (base + std::string(extension)));
  }
};

void PrintTo(const SuiteCase& c, std::ostream* os) {
  *os << c.name;
}

std::vector<SuiteCase> suiteCases() {
  std::vector<SuiteCase> cases;
  for (auto& name : testing::caseDirectories(suiteDir(), ".req")) cases.push_back({name});
  return cases;
}

// The session token some cases sign: not in their .req, so taken from where the suite keeps it.
std::string sessionTokenOf(const SuiteCase& c) {
  if (c.name == "get-vanilla-with-session-token") {
    // Only in the expected canonical request.
    const std::string creq = c.file(".creq");
    const std::string prefix = "x-amz-security-token:";
    const std::size_t start = creq.find(prefix) + prefix.size();
    return creq.substr(start, creq.find('\n', start) - start);
  }
  if (c.name == "post-sts-token/post-sts-header-after") {
    // The suite's readme gives the token that is added after signing, on its last line.
    std::string readme = readFile(suiteDir() / "post-sts-token" / "readme.txt");
    while (!readme.empty() && (readme.back() == '\n' || readme.back() == '\r')) readme.pop_back();
    return readme.substr(readme.rfind('\n') + 1);
  }
  return "";
}

class AwsSigV4Suite : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(AwsSigV4Suite, CanonicalRequestStringToSignAndAuthorizationMatch) {
  const SuiteCase& c = GetParam();
  const RequestText request = parseRequestText(c.file(".req"));
  Headers headers = request.headers;
  const std::string token = sessionTokenOf(c);
  if (c.name == "get-vanilla-with-session-token")
    headers.emplace_back("X-Amz-Security-Token", token);

  const CanonicalHeaders canonical = canonicalHeaders(headers, headerNames(headers));
  const std::string creq =
      canonicalRequest(request.method, canonicalUri(request.path, UriRules::otherServices()),
                       canonicalQuery(request.query), canonical, core::sha256Hex(request.body));
  EXPECT_EQ(creq, c.file(".creq"));

  const std::string sts = stringToSign(kAmzDate, kScope, creq);
  EXPECT_EQ(sts, c.file(".sts"));

  const std::string key = signingKey(kSecret, "20150830", kRegion, kService);
  const std::string authz = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + std::string(kScope) +
                            ", SignedHeaders=" + canonical.signedHeaders +
                            ", Signature=" + signature(key, sts);
  EXPECT_EQ(authz, c.file(".authz"));
}

TEST_P(AwsSigV4Suite, SignHeadersProducesTheAuthorization) {
  const SuiteCase& c = GetParam();
  const RequestText request = parseRequestText(c.file(".req"));
  HeaderSignInput input;
  input.method = request.method;
  input.url = "https://" + request.header("host") + request.path +
              (request.query.empty() ? "" : "?" + request.query);
  input.headers = request.headers;
  input.payloadHash = core::sha256Hex(request.body);
  std::string token = sessionTokenOf(c);
  if (token.empty()) token = request.header("X-Amz-Security-Token");  // post-sts-header-before
  input.credentials = {std::string(kAccessKey), std::string(kSecret), token};
  input.region = kRegion;
  input.service = kService;
  input.time = *core::parseIsoMillis("2015-08-30T12:36:00Z") / 1000;
  input.uri = UriRules::otherServices();
  input.addContentSha256 = false;  // the suite's service does not use the header
  input.signSessionToken = c.name != "post-sts-token/post-sts-header-after";

  const HeaderSignature signedRequest = signHeaders(input);
  EXPECT_EQ(signedRequest.trace.canonicalRequest, c.file(".creq"));
  EXPECT_EQ(signedRequest.authorization, c.file(".authz"));
  EXPECT_EQ(signedRequest.headers.back(),
            (std::pair<std::string, std::string>("Authorization", signedRequest.authorization)));
  if (!input.credentials.sessionToken.empty()) {
    bool carriesToken = false;
    for (const auto& [name, value] : signedRequest.headers)
      carriesToken |= name == "X-Amz-Security-Token" && value == input.credentials.sessionToken;
    EXPECT_TRUE(carriesToken);
  }
}

INSTANTIATE_TEST_SUITE_P(Botocore, AwsSigV4Suite, ::testing::ValuesIn(suiteCases()),
                         [](const auto& info) { return testing::testName(info.param.name); });

TEST(AwsSigV4SuiteFiles, AllThirtyFourCasesArePresent) {
  EXPECT_EQ(suiteCases().size(), 34u);
}

}  // namespace
}  // namespace assetd::sign::sigv4
