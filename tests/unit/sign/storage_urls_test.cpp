// How storage_urls composes signed URLs per provider (the signers themselves are proven by the
// vector suites) and which URLs it recognizes as objects of a storage.
#include "sign/storage_urls.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/error.hpp"
#include "sign/azure_sas.hpp"
#include "sign/crypto.hpp"
#include "sign/sigv4.hpp"
#include "sign/url_codec.hpp"
#include "vector_files.hpp"

namespace assetd::sign::storage_urls {
namespace {

constexpr std::int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z
const std::string kAzureKey = crypto::base64Encode("0123456789abcdef0123456789abcdef");

Target aws(std::string endpoint = {}, std::string region = "eu-central-1") {
  return Target{Provider::Aws, std::move(endpoint), std::move(region),
                Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "", "", ""}};
}
Target gcsHmac(std::string endpoint = {}) {
  return Target{Provider::Gcp, std::move(endpoint), "",
                Credentials{"GOOG1EXAMPLE", "hmacsecret", "", "", ""}};
}
Target azure(std::string endpoint = {}) {
  return Target{Provider::Azure, std::move(endpoint), "",
                Credentials{"acct1", kAzureKey, "", "", ""}};
}

SignRequest request(std::string bucket, std::string key, std::string contentType = {}) {
  return SignRequest{{std::move(bucket), std::move(key)}, kNow, 900, std::move(contentType)};
}

std::string param(std::string_view url, std::string_view name) {
  for (const auto& [k, v] : parseQuery(parseUrl(url).query))
    if (k == name) return v;
  return "<absent>";
}

std::string base(std::string_view url) {
  return std::string(url.substr(0, url.find('?')));
}

// verify() as an S3 server would run it on a request to `url`.
sigv4::VerifyResult verifyAws(const std::string& url, const std::string& method,
                              sigv4::Headers extra = {}) {
  ParsedUrl parsed = parseUrl(url);
  sigv4::Headers headers{{"host", parsed.hostHeader()}};
  for (auto& h : extra) headers.push_back(h);
  auto lookup = [](std::string_view id) -> std::optional<std::string> {
    if (id == "AKIDEXAMPLE") return std::string("wJalrXUtnFEMI/K7MDENG");
    return std::nullopt;
  };
  return sigv4::verify({method, parsed.path, parsed.query, headers}, lookup, kNow + 10);
}

// --- AWS -------------------------------------------------------------------------------------

TEST(StorageUrlsAws, PublicBucketIsVirtualHostedInItsRegion) {
  std::string url = uploadUrl(aws(), request("media", "assets/o/p/cat 1.png"));
  EXPECT_EQ(base(url), "https://media.s3.eu-central-1.amazonaws.com/assets/o/p/cat%201.png");
  EXPECT_EQ(param(url, "X-Amz-Credential"), "AKIDEXAMPLE/20231114/eu-central-1/s3/aws4_request");
  EXPECT_EQ(param(url, "X-Amz-Expires"), "900");
  EXPECT_EQ(param(url, "X-Amz-SignedHeaders"), "host");
  EXPECT_TRUE(verifyAws(url, "PUT").ok());
  EXPECT_FALSE(verifyAws(url, "GET").ok());  // signed for PUT only
  EXPECT_EQ(base(url), objectUrl(aws(), {"media", "assets/o/p/cat 1.png"}));
}

TEST(StorageUrlsAws, DottedBucketFallsBackToPathStyle) {
  std::string url = readUrl(aws(), request("my.bucket", "k.png"));
  EXPECT_EQ(base(url), "https://s3.eu-central-1.amazonaws.com/my.bucket/k.png");
  EXPECT_TRUE(verifyAws(url, "GET").ok());
}

TEST(StorageUrlsAws, RegionDefaultsToUsEast1) {
  std::string url = readUrl(aws({}, ""), request("media", "k"));
  EXPECT_EQ(base(url), "https://media.s3.us-east-1.amazonaws.com/k");
  EXPECT_EQ(param(url, "X-Amz-Credential"), "AKIDEXAMPLE/20231114/us-east-1/s3/aws4_request");
}

TEST(StorageUrlsAws, EndpointIsPathStyle) {
  std::string url = readUrl(aws("http://127.0.0.1:9000"), request("b1", "a/b c/d.txt"));
  EXPECT_EQ(base(url), "http://127.0.0.1:9000/b1/a/b%20c/d.txt");
  EXPECT_TRUE(verifyAws(url, "GET").ok());
}

TEST(StorageUrlsAws, ContentTypeIsSignedSoThePutMustCarryIt) {
  std::string url = uploadUrl(aws("http://127.0.0.1:9000"), request("b1", "k", "image/png"));
  EXPECT_EQ(param(url, "X-Amz-SignedHeaders"), "content-type;host");
  EXPECT_TRUE(verifyAws(url, "PUT", {{"content-type", "image/png"}}).ok());
  EXPECT_FALSE(verifyAws(url, "PUT").ok());
  EXPECT_FALSE(verifyAws(url, "PUT", {{"content-type", "text/html"}}).ok());
}

TEST(StorageUrlsAws, SessionTokenTravelsInTheUrl) {
  Target t = aws();
  t.credentials.sessionToken = "TOKEN/1";
  EXPECT_EQ(param(readUrl(t, request("media", "k")), "X-Amz-Security-Token"), "TOKEN/1");
}

TEST(StorageUrlsAws, MissingBucketOrKeyNamesTheField) {
  for (auto [bucket, key, field] : {std::tuple{"", "k", "bucket"}, std::tuple{"b", "", "name"}}) {
    try {
      uploadUrl(aws(), request(bucket, key));
      ADD_FAILURE() << "no error";
    } catch (const core::ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_TRUE(std::string(e.what()).starts_with(field)) << e.what();
    }
  }
}

// --- GCS -------------------------------------------------------------------------------------

TEST(StorageUrlsGcs, HmacKeySignsAPathStyleGoogleUrl) {
  std::string url = uploadUrl(gcsHmac(), request("bkt", "x/y z.png", "image/png"));
  EXPECT_EQ(base(url), "https://storage.googleapis.com/bkt/x/y%20z.png");
  EXPECT_EQ(param(url, "X-Goog-Algorithm"), "GOOG4-HMAC-SHA256");
  EXPECT_EQ(param(url, "X-Goog-Credential"), "GOOG1EXAMPLE/20231114/auto/storage/goog4_request");
  EXPECT_EQ(param(url, "X-Goog-Expires"), "900");
  EXPECT_EQ(param(url, "X-Goog-SignedHeaders"), "content-type;host");
  EXPECT_EQ(base(url), objectUrl(gcsHmac(), {"bkt", "x/y z.png"}));
}

TEST(StorageUrlsGcs, ServiceAccountSignsWithRsa) {
  auto account = boost::json::parse(testing::readFile(testing::vectorsDir() / "gcs-v4" /
                                                      "test_service_account.not-a-test.json"))
                     .as_object();
  Target t{Provider::Gcp, "", "",
           Credentials{"", "", "", account.at("client_email").as_string().c_str(),
                       account.at("private_key").as_string().c_str()}};
  std::string url = readUrl(t, request("bkt", "k"));
  EXPECT_EQ(param(url, "X-Goog-Algorithm"), "GOOG4-RSA-SHA256");
  EXPECT_TRUE(
      param(url, "X-Goog-Credential").starts_with(account.at("client_email").as_string().c_str()));
  EXPECT_EQ(param(url, "X-Goog-Signature").size(), 512u);  // 2048-bit RSA, hex
}

TEST(StorageUrlsGcs, EndpointBringsItsSchemeAndPort) {
  std::string url = readUrl(gcsHmac("http://127.0.0.1:4443"), request("bkt", "k"));
  EXPECT_EQ(base(url), "http://127.0.0.1:4443/bkt/k");
}

// --- Azure -----------------------------------------------------------------------------------

TEST(StorageUrlsAzure, UploadIsCreateWriteAndReadIsReadOnly) {
  std::string up = uploadUrl(azure(), request("cont", "dir/f 1.png"));
  EXPECT_EQ(base(up), "https://acct1.blob.core.windows.net/cont/dir/f%201.png");
  EXPECT_EQ(param(up, "sp"), "cw");
  EXPECT_EQ(param(up, "sr"), "b");
  EXPECT_EQ(param(up, "se"), "2023-11-14T22:28:20Z");  // now + 900 s
  std::string down = readUrl(azure(), request("cont", "dir/f 1.png"));
  EXPECT_EQ(param(down, "sp"), "r");
  EXPECT_EQ(base(up), objectUrl(azure(), {"cont", "dir/f 1.png"}));
}

TEST(StorageUrlsAzure, SignatureCoversTheAccountContainerAndBlob) {
  std::string url = readUrl(azure(), request("cont", "dir/f.png"));
  azure::SasFields fields;
  fields.permissions = "r";
  fields.expiry = param(url, "se");
  fields.version = param(url, "sv");
  std::string expected =
      azure::signature(azure::stringToSign(fields, "/blob/acct1/cont/dir/f.png"), kAzureKey);
  EXPECT_EQ(param(url, "sig"), expected);
}

TEST(StorageUrlsAzure, EmulatorEndpointKeepsItsAccountPath) {
  std::string url =
      uploadUrl(azure("http://127.0.0.1:10000/devstoreaccount1"), request("cont", "k.bin"));
  EXPECT_EQ(base(url), "http://127.0.0.1:10000/devstoreaccount1/cont/k.bin");
}

TEST(StorageUrlsAzure, ExpiryOutOfRangeIs400) {
  SignRequest r = request("cont", "k");
  r.expiresSeconds = 604801;
  EXPECT_THROW(readUrl(azure(), r), core::ApiError);
}

// --- recognizing URLs ------------------------------------------------------------------------

void expectObject(const Target& t, std::string_view url, std::string bucket, std::string key,
                  std::string_view knownBucket = {}) {
  auto ref = parseObjectUrl(t, url, knownBucket);
  ASSERT_TRUE(ref) << url;
  EXPECT_EQ(ref->bucket, bucket) << url;
  EXPECT_EQ(ref->key, key) << url;
}

void expectNone(const Target& t, std::string_view url, std::string_view knownBucket = {}) {
  EXPECT_FALSE(parseObjectUrl(t, url, knownBucket)) << url;
}

TEST(StorageUrlsParse, AwsPublicForms) {
  Target t = aws();
  expectObject(t, "https://media.s3.eu-central-1.amazonaws.com/a/b%20c.png", "media", "a/b c.png");
  expectObject(t, "https://media.s3.amazonaws.com/k", "media", "k");
  expectObject(t, "https://media.s3-eu-west-1.amazonaws.com/k", "media", "k");
  expectObject(t, "https://media.s3.dualstack.us-east-1.amazonaws.com/k", "media", "k");
  expectObject(t, "https://my.s3.bucket.s3.us-east-1.amazonaws.com/k", "my.s3.bucket", "k");
  expectObject(t, "https://s3.eu-central-1.amazonaws.com/my.bucket/d/k", "my.bucket", "d/k");
  expectObject(t, "https://s3.amazonaws.com/media/k", "media", "k");
  expectObject(t, "s3://media/dir/k.png", "media", "dir/k.png");
  expectNone(t, "https://media.s3.eu-central-1.amazonaws.com/");
  expectNone(t, "https://s3.amazonaws.com/media/");
  expectNone(t, "https://ec2.amazonaws.com/media/k");
  expectNone(t, "https://example.com/media/k");
  expectNone(t, "gs://media/k");
  expectNone(t, "not a url");
}

TEST(StorageUrlsParse, SignedQueryIsIgnored) {
  Target t = aws("http://127.0.0.1:9000");
  std::string signed_ = readUrl(t, request("b1", "k 1.png"));
  expectObject(t, signed_, "b1", "k 1.png");
  expectObject(t, "http://127.0.0.1:9000/b1/k.png?X-Amz-Algorithm=AWS4-HMAC-SHA256", "b1", "k.png");
}

TEST(StorageUrlsParse, HostThatIsTheBucketIsACname) {
  expectObject(aws(), "https://b/k.png", "b", "k.png", "b");
  expectObject(gcsHmac(), "https://assets.example.com/x/y", "assets.example.com", "x/y",
               "assets.example.com");
  expectNone(aws(), "https://b/k.png", "other");
  expectNone(aws(), "https://b/k.png");
  expectNone(azure(), "https://cont/k.png", "cont");
}

TEST(StorageUrlsParse, AwsEndpointForms) {
  Target t = aws("http://127.0.0.1:9000");
  expectObject(t, "http://127.0.0.1:9000/b1/dir/k.png", "b1", "dir/k.png");
  expectNone(t, "http://127.0.0.1:9001/b1/k.png");   // other port
  expectNone(t, "https://127.0.0.1:9000/b1/k.png");  // other scheme
  expectNone(t, "http://127.0.0.1:9000/b1/");
  expectNone(t, "https://media.s3.eu-central-1.amazonaws.com/k");  // not this endpoint
  Target named = aws("https://minio.example.com");
  expectObject(named, "https://minio.example.com:443/b1/k", "b1", "k");
  expectObject(named, "https://b1.minio.example.com/k", "b1", "k");
  expectNone(named, "https://minio.example.com.evil.org/b1/k");
}

TEST(StorageUrlsParse, PathStyleOnlyKnowsNoOtherForm) {
  Target t = aws("http://127.0.0.1:9000");
  t.pathStyleOnly = true;
  expectObject(t, "http://127.0.0.1:9000/b1/k.png", "b1", "k.png");
  expectNone(t, "http://b1.127.0.0.1:9000/k.png");
  expectNone(t, "s3://b1/k.png");
  expectNone(t, "https://b1/k.png", "b1");
  t.endpoint.clear();
  expectNone(t, "https://b1.s3.amazonaws.com/k.png");
}

TEST(StorageUrlsParse, GcsForms) {
  Target t = gcsHmac();
  expectObject(t, "https://storage.googleapis.com/bkt/a/b.png", "bkt", "a/b.png");
  expectObject(t, "https://storage.cloud.google.com/bkt/a.png", "bkt", "a.png");
  expectObject(t, "https://bkt.storage.googleapis.com/a.png", "bkt", "a.png");
  expectObject(t, "gs://bkt/a.png", "bkt", "a.png");
  expectNone(t, "https://storage.googleapis.com/bkt/");
  expectNone(t, "https://media.s3.amazonaws.com/k");
}

TEST(StorageUrlsParse, AzureForms) {
  expectObject(azure(), "https://acct1.blob.core.windows.net/cont/d/f.png", "cont", "d/f.png");
  expectNone(azure(), "https://other.blob.core.windows.net/cont/f.png");
  Target emulator = azure("http://127.0.0.1:10000/devstoreaccount1");
  expectObject(emulator, "http://127.0.0.1:10000/devstoreaccount1/cont/f.png", "cont", "f.png");
  expectNone(emulator, "http://127.0.0.1:10000/otheraccount/cont/f.png");
  expectNone(emulator, "http://127.0.0.1:10000/devstoreaccount1/cont");
  expectNone(emulator, "http://cont.127.0.0.1:10000/devstoreaccount1/f.png");  // no virtual hosts
}

TEST(StorageUrlsParse, WhatIsSignedIsWhatIsParsed) {
  for (const Target& t : {aws(), aws("http://127.0.0.1:9000"), gcsHmac(), azure(),
                          azure("http://127.0.0.1:10000/devstoreaccount1")}) {
    for (std::string key : {"plain.png", "dir/sub/file name.png", "ünï/çødé.txt", "a+b=c&d.png"}) {
      std::string url = uploadUrl(t, request("bucket-1", key));
      expectObject(t, url, "bucket-1", key);
    }
  }
}

}  // namespace
}  // namespace assetd::sign::storage_urls
