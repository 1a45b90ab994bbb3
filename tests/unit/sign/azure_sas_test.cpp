// Azure Blob service SAS against the signatures asserted by Microsoft's SDK tests
// (azure-sdk-for-rust, azure-sdk-for-go), signed versions 2013-08-15 to 2022-11-02.
#include "sign/azure_sas.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/error.hpp"
#include "sign/url_codec.hpp"
#include "vector_files.hpp"

namespace assetd::sign::azure {
namespace {

std::string text(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value == nullptr ? "" : value->as_string().c_str();
}

struct SasCase {
  std::string id;
  boost::json::object json;
};

void PrintTo(const SasCase& c, std::ostream* os) {
  *os << c.id;
}

std::vector<SasCase> sasCases() {
  const boost::json::value all = boost::json::parse(
      testing::readFile(testing::vectorsDir() / "azure-sas" / "service-sas-vectors.json"));
  std::vector<SasCase> cases;
  for (const auto& c : all.at("cases").as_array())
    cases.push_back({text(c.as_object(), "id"), c.as_object()});
  return cases;
}

SasFields fieldsOf(const boost::json::object& c) {
  const auto& s = c.at("signed_fields").as_object();
  SasFields f;
  f.permissions = text(s, "sp");
  f.start = text(s, "st");
  f.expiry = text(s, "se");
  f.ip = text(s, "sip");
  f.protocol = text(s, "spr");
  f.version = text(s, "sv");
  f.resource = text(s, "sr");
  if (const auto* unsignedFields = c.if_contains("unsigned_query_fields"))
    f.directoryDepth = text(unsignedFields->as_object(), "sdd");
  return f;
}

QueryParams sorted(QueryParams params) {
  std::sort(params.begin(), params.end());
  return params;
}

// The Go SDK cases name a real account, so the resource and URL can be derived too.
std::vector<SasCase> casesWithAccount() {
  std::vector<SasCase> cases = sasCases();
  std::erase_if(cases, [](const SasCase& c) { return text(c.json, "account_name").empty(); });
  return cases;
}

class AzureServiceSas : public ::testing::TestWithParam<SasCase> {};
class AzureServiceSasUrl : public ::testing::TestWithParam<SasCase> {};

TEST_P(AzureServiceSas, ReproducesTheSdkSignature) {
  const boost::json::object& c = GetParam().json;
  const SasFields fields = fieldsOf(c);
  const std::string sts = stringToSign(fields, text(c, "canonicalized_resource"));
  EXPECT_EQ(sts, text(c, "string_to_sign_derived"));
  const std::string sig = signature(sts, text(c, "account_key_base64"));
  EXPECT_EQ(sig, text(c, "expected_signature"));

  const auto& upstream = c.at("upstream_expected").as_object();
  if (const auto* expectedToken = upstream.if_contains("sas_token")) {  // the Rust SDK's token
    EXPECT_EQ(sorted(parseQuery(token(fields, sig))),
              sorted(parseQuery(expectedToken->as_string().c_str())));
  }
}

TEST_P(AzureServiceSasUrl, BuildsTheSdkUrl) {
  const boost::json::object& c = GetParam().json;
  const std::string account = text(c, "account_name");
  const SasFields fields = fieldsOf(c);
  const auto& upstream = c.at("upstream_expected").as_object();

  BlobSasInput input;
  input.accountName = account;
  input.accountKey = text(c, "account_key_base64");
  input.fields = fields;
  const bool emulator = account == "devstoreaccount1";
  input.endpoint = emulator ? "http://127.0.0.1:10000/devstoreaccount1"
                            : "https://" + account + ".blob.core.windows.net";
  // ".../<container>[/<blob>]" from the canonicalized resource.
  const std::string resource = text(c, "canonicalized_resource");
  const std::string prefix = (resource.starts_with("/blob/") ? "/blob/" : "/") + account + "/";
  const std::string names = resource.substr(prefix.size());
  input.container = names.substr(0, names.find('/'));
  if (names.find('/') != std::string::npos) input.blob = names.substr(names.find('/') + 1);

  EXPECT_EQ(canonicalizedResource(account, input.container, input.blob, fields.version), resource);
  const SignedSas result = signBlobUrl(input);
  EXPECT_EQ(result.signature, text(c, "expected_signature"));
  if (const auto* url = upstream.if_contains("url")) {
    EXPECT_EQ(result.url, url->as_string().c_str());  // the Go SDK's exact URL
  } else {
    std::string path = text(upstream, "path");
    if (!path.starts_with("/")) path = "/" + path;
    EXPECT_EQ(result.url.substr(0, result.url.find('?')),
              "https://" + text(upstream, "host") + path);
    QueryParams expected;
    for (const auto& [name, value] : upstream.at("query").as_object())
      expected.emplace_back(std::string(name), value.as_string().c_str());
    EXPECT_EQ(sorted(parseQuery(result.token)), sorted(expected));
  }
}

INSTANTIATE_TEST_SUITE_P(SdkVectors, AzureServiceSas, ::testing::ValuesIn(sasCases()),
                         [](const auto& info) { return testing::testName(info.param.id); });
INSTANTIATE_TEST_SUITE_P(GoSdkVectors, AzureServiceSasUrl, ::testing::ValuesIn(casesWithAccount()),
                         [](const auto& info) { return testing::testName(info.param.id); });

TEST(AzureSasFiles, AllEightCasesArePresent) {
  EXPECT_EQ(sasCases().size(), 8u);
  EXPECT_EQ(casesWithAccount().size(), 4u);
}

SasFields validFields() {
  SasFields f;
  f.permissions = "wr";
  f.expiry = "2030-01-01T00:00:00Z";
  return f;
}

TEST(AzureSas, OrdersPermissionsAsAzureExpects) {
  SasFields f = validFields();
  f.permissions = "dwcr";
  EXPECT_TRUE(stringToSign(f, "/blob/a/c/b").starts_with("rcwd\n"));
  EXPECT_NE(token(f, "sig").find("sp=rcwd"), std::string::npos);
}

TEST(AzureSas, UsesTheNewestLayoutWithEncryptionScopeAndHeaders) {
  SasFields f = validFields();
  f.start = "2029-12-31T00:00:00Z";
  f.ip = "10.0.0.1";
  f.protocol = "https";
  f.encryptionScope = "scope1";
  f.contentType = "image/png";
  f.contentDisposition = "attachment";
  EXPECT_EQ(stringToSign(f, "/blob/acct/cont/a b.png"),
            "rw\n2029-12-31T00:00:00Z\n2030-01-01T00:00:00Z\n/blob/acct/cont/a b.png\n\n10.0.0.1\n"
            "https\n2022-11-02\nb\n\nscope1\n\nattachment\n\n\nimage/png");
}

TEST(AzureSas, TokenIsSortedAndEncoded) {
  SasFields f = validFields();
  f.contentType = "text/plain; charset=utf-8";
  EXPECT_EQ(token(f, "a+b/c="),
            "rsct=text%2Fplain%3B%20charset%3Dutf-8&se=2030-01-01T00%3A00%3A00Z&sig=a%2Bb%2Fc%3D"
            "&sp=rw&sr=b&sv=2022-11-02");
}

TEST(AzureSas, BuildsBlobUrlsWithEncodedNames) {
  BlobSasInput input;
  input.endpoint = "https://acct.blob.core.windows.net/";
  input.accountName = "acct";
  input.accountKey = "YmFy";
  input.container = "assets";
  input.blob = "org 1/photo#1.jpg";
  input.fields = validFields();
  const SignedSas result = signBlobUrl(input);
  EXPECT_TRUE(result.url.starts_with(
      "https://acct.blob.core.windows.net/assets/org%201/photo%231.jpg?se="));
  EXPECT_NE(result.stringToSign.find("\n/blob/acct/assets/org 1/photo#1.jpg\n"), std::string::npos);
}

TEST(AzureSas, FormatsTimes) {
  EXPECT_EQ(sasTime(1506787200), "2017-09-30T16:00:00Z");
}

std::string sasError(const SasFields& fields, const std::string& key = "YmFy") {
  try {
    signature(stringToSign(fields, "/blob/a/c/b"), key);
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.what();
  }
  return "no error";
}

TEST(AzureSas, RejectsInvalidFieldsNamingThem) {
  SasFields f = validFields();
  f.permissions = "rq";
  EXPECT_EQ(sasError(f), "sp: unknown permission 'q'");
  f = validFields();
  f.permissions.clear();
  EXPECT_EQ(sasError(f), "sp: required");
  f = validFields();
  f.expiry.clear();
  EXPECT_TRUE(sasError(f).starts_with("se: "));
  f = validFields();
  f.version = "2012-02-12";
  EXPECT_TRUE(sasError(f).starts_with("sv: "));
  f = validFields();
  f.version = "latest";
  EXPECT_TRUE(sasError(f).starts_with("sv: "));
  f = validFields();
  f.protocol = "http";
  EXPECT_TRUE(sasError(f).starts_with("spr: "));
  f = validFields();
  f.resource = "x";
  EXPECT_TRUE(sasError(f).starts_with("sr: "));
  f = validFields();
  f.resource = "d";
  EXPECT_TRUE(sasError(f).starts_with("sdd: "));
  f = validFields();
  f.contentType = "a\nb";
  EXPECT_TRUE(sasError(f).starts_with("rsct: "));
  f = validFields();
  f.encryptionScope = "s";
  f.version = "2020-06-12";
  EXPECT_TRUE(sasError(f).starts_with("ses: "));
  EXPECT_TRUE(sasError(validFields(), "not base64!").starts_with("accountKey: "));
  EXPECT_EQ(sasError(validFields()), "no error");
}

}  // namespace
}  // namespace assetd::sign::azure
