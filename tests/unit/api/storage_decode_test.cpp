// POST /storages bodies: both request forms, every provider's credentials, and each way a body
// can be wrong (the message names the field).
#include "api/storage_decode.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "api_error_matchers.hpp"

namespace assetd::api {
namespace {

using assetd::testing::throwsApiError;
using assetd::testing::throwsApiErrorStartingWith;

// A fresh RSA key in PEM, with its newlines escaped for a JSON string.
std::string rsaPemForJson() {
  static const std::string pem = [] {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    std::string text(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    std::string escaped;
    for (char c : text) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
    return escaped;
  }();
  return pem;
}

std::string serviceAccount() {
  return std::string(R"({"type":"service_account","project_id":"p","private_key_id":"k1",)") +
         R"("client_email":"sa@p.iam.gserviceaccount.com","private_key":")" + rsaPemForJson() +
         R"("})";
}

TEST(DecodeStorage, TheSdkBodyForAws) {
  auto d = decodeStorage(
      R"({"name":"nm","provider":"AWS","publicKey":"pk","privateKey":"sk","region":"eu-central-1","credentials":null})");
  EXPECT_EQ(d.storage.name, "nm");
  EXPECT_EQ(d.storage.provider, "AWS");
  EXPECT_EQ(d.storage.region, "eu-central-1");
  EXPECT_EQ(d.storage.bucket, "");
  EXPECT_EQ(d.credentials.accessKeyId, "pk");
  EXPECT_EQ(d.credentials.secretAccessKey, "sk");
}

TEST(DecodeStorage, TheDocsBodyWithTypeAndBucket) {
  auto d = decodeStorage(
      R"({"name":"docs","type":"s3","bucket":"my-bucket","region":"us-west-2","credentials":{"accessKeyId":"AKID","secretAccessKey":"wJal/rX+U="}})");
  EXPECT_EQ(d.storage.provider, "AWS");
  EXPECT_EQ(d.storage.bucket, "my-bucket");
  EXPECT_EQ(d.credentials.accessKeyId, "AKID");
  EXPECT_EQ(d.credentials.secretAccessKey, "wJal/rX+U=");
}

TEST(DecodeStorage, S3CompatibleEndpointIsNormalized) {
  auto d = decodeStorage(
      R"({"name":"swift","provider":"AWS","endpoint":"http://127.0.0.1:8080/","bucket":"Media_1","publicKey":"test:tester","privateKey":"testing"})");
  EXPECT_EQ(d.storage.endpoint, "http://127.0.0.1:8080");
  EXPECT_EQ(d.storage.bucket, "Media_1");  // S3-compatible services allow more than AWS
  EXPECT_EQ(d.credentials.accessKeyId, "test:tester");
}

TEST(DecodeStorage, GcpHmacKeys) {
  auto d = decodeStorage(
      R"({"name":"g","provider":"GCP","publicKey":"GOOG1EXAMPLE","privateKey":"c2VjcmV0","bucket":"b.example.com"})");
  EXPECT_EQ(d.storage.provider, "GCP");
  EXPECT_EQ(d.credentials.accessKeyId, "GOOG1EXAMPLE");
}

TEST(DecodeStorage, GcpServiceAccountAsTextOrObject) {
  std::string text = serviceAccount();
  std::string quoted;
  for (char c : text) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  for (const std::string& body :
       {R"({"name":"g","provider":"GCP","publicKey":null,"privateKey":null,"credentials":")" +
            quoted + "\"}",
        R"({"name":"g","provider":"GCP","credentials":)" + text + "}"}) {
    auto d = decodeStorage(body);
    EXPECT_EQ(d.credentials.clientEmail, "sa@p.iam.gserviceaccount.com");
    EXPECT_TRUE(d.credentials.privateKeyPem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    EXPECT_TRUE(d.credentials.accessKeyId.empty());
  }
}

TEST(DecodeStorage, AzureAccountAndKey) {
  auto d = decodeStorage(
      R"({"name":"az","provider":"AZURE","publicKey":"devstoreaccount1","privateKey":"a2V5a2V5","endpoint":"http://127.0.0.1:10000/devstoreaccount1"})");
  EXPECT_EQ(d.storage.endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_EQ(d.credentials.accessKeyId, "devstoreaccount1");
  auto named = decodeStorage(
      R"({"name":"az","type":"azure","bucket":"cont","credentials":{"accountName":"acct","accountKey":"a2V5"}})");
  EXPECT_EQ(named.storage.provider, "AZURE");
  EXPECT_EQ(named.credentials.accessKeyId, "acct");
  EXPECT_EQ(named.credentials.secretAccessKey, "a2V5");
}

TEST(DecodeStorage, RequiredFields) {
  EXPECT_TRUE(throwsApiError([] { decodeStorage(R"({"provider":"AWS"})"); }, "name: required"));
  EXPECT_TRUE(throwsApiError([] { decodeStorage(R"({"name":"n"})"); }, "provider: required"));
  EXPECT_TRUE(throwsApiError([] { decodeStorage(R"({"name":"n","provider":"AWS"})"); },
                             "publicKey: required (or credentials)"));
  EXPECT_TRUE(
      throwsApiError([] { decodeStorage(R"({"name":"n","provider":"AWS","publicKey":"a"})"); },
                     "privateKey: required with publicKey"));
  EXPECT_TRUE(throwsApiError(
      [] { decodeStorage(R"({"name":"n","type":"s3","credentials":{"accessKeyId":"a"}})"); },
      "credentials.secretAccessKey: required"));
  EXPECT_TRUE(throwsApiError(
      [] {
        decodeStorage(
            R"({"name":"n","provider":"GCP","credentials":{"type":"service_account","client_email":"x@y"}})");
      },
      "credentials.private_key: required"));
}

TEST(DecodeStorage, InvalidValuesNameTheirField) {
  auto bad = [](const std::string& body, std::string_view prefix) {
    return throwsApiErrorStartingWith([&] { decodeStorage(body); }, prefix);
  };
  const std::string keys = R"(,"publicKey":"a","privateKey":"b")";
  EXPECT_TRUE(bad("[]", "body: must be a JSON object"));
  EXPECT_TRUE(
      bad(R"({"name":"n","provider":"FTP")" + keys + "}", "provider: must be AWS, GCP or AZURE"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AWS","type":"GCP")" + keys + "}", "type: conflicts"));
  EXPECT_TRUE(bad(R"({"name":"","provider":"AWS")" + keys + "}", "name: must be a non-empty"));
  EXPECT_TRUE(bad(R"({"name":"a\u0001","provider":"AWS")" + keys + "}", "name: must not contain"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AWS","bucket":"UPPER")" + keys + "}",
                  "bucket: must be an S3"));
  EXPECT_TRUE(bad(
      R"({"name":"n","provider":"AZURE","bucket":"a--b","publicKey":"acct","privateKey":"a2V5"})",
      "bucket: must be an Azure container"));
  EXPECT_TRUE(
      bad(R"({"name":"n","provider":"AWS","region":"eu/1")" + keys + "}", "region: must be"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AWS","endpoint":"ftp://x")" + keys + "}",
                  "endpoint: must be an http"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AWS","endpoint":"http://x/?a=1")" + keys + "}",
                  "endpoint: must not have a query"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AWS","endpoint":"http://u@x")" + keys + "}",
                  "endpoint: must not carry user info"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"GCP","endpoint":"http://x/p")" + keys + "}",
                  "endpoint: must be scheme://host"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AWS","publicKey":"a/b","privateKey":"s"})",
                  "publicKey: must not contain '/'"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AWS","publicKey":"a b","privateKey":"s"})",
                  "publicKey: must be printable"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AWS","publicKey":"a","privateKey":7})",
                  "privateKey: must be a non-empty string"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AZURE","publicKey":"Acct","privateKey":"a2V5"})",
                  "publicKey: must be an Azure storage account"));
  EXPECT_TRUE(
      bad(R"({"name":"n","provider":"AZURE","publicKey":"acct","privateKey":"not base64!"})",
          "privateKey: must be the base64"));
  EXPECT_TRUE(bad(
      R"({"name":"n","provider":"AWS","credentials":{"accessKeyId":"a","secretAccessKey":"b"})" +
          keys + "}",
      "credentials: give either"));
  EXPECT_TRUE(bad(
      R"({"name":"n","provider":"AWS","credentials":{"accessKeyId":"a","secretAccessKey":"b","x":1}})",
      "credentials.x: unknown field"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AWS","credentials":"not json"})",
                  "credentials: malformed JSON"));
  EXPECT_TRUE(
      bad(R"({"name":"n","provider":"AWS","credentials":42})", "credentials: must be an object"));
  EXPECT_TRUE(bad(
      R"({"name":"n","provider":"GCP","credentials":{"client_email":"a@b","private_key":"nope"}})",
      "credentials.private_key"));
  EXPECT_TRUE(bad(R"({"name":"n","provider":"AWS","isDefault":true)" + keys + "}",
                  "isDefault: unknown field"));
}

TEST(CheckBucketName, PerProviderRules) {
  EXPECT_NO_THROW(checkBucketName("my.bucket-1", "AWS", false, "bucket"));
  EXPECT_NO_THROW(checkBucketName("Any_Case.1", "AWS", true, "bucket"));
  EXPECT_NO_THROW(checkBucketName("g_bucket.example", "GCP", false, "bucket"));
  EXPECT_NO_THROW(checkBucketName("cont-1", "AZURE", false, "bucket"));
  for (auto [name, provider, custom] :
       {std::tuple{"ab", "AWS", false}, std::tuple{"-ab", "AWS", false},
        std::tuple{"a..b", "AWS", true}, std::tuple{"a/b", "AWS", true},
        std::tuple{"", "AWS", true}, std::tuple{"Cont", "AZURE", false},
        std::tuple{"a_b", "AZURE", false}, std::tuple{"B", "GCP", false}})
    EXPECT_TRUE(throwsApiErrorStartingWith(
        [&] { checkBucketName(name, provider, custom, "bucket"); }, "bucket: "))
        << name;
}

}  // namespace
}  // namespace assetd::api
