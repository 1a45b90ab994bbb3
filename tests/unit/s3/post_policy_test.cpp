// The POST policy of browser form uploads: parsing the JSON, checking a form against it, and
// its signature.
#include "s3/post_policy.hpp"
#include "s3_error_code.hpp"

#include <gtest/gtest.h>

#include "s3/s3_error.hpp"

namespace assetd::s3::post {
namespace {

using testing::codeOf;

constexpr std::int64_t kExpires = 1767225600000;  // 2026-01-01T00:00:00Z

std::string messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const S3Error& e) {
    return e.what();
  }
  return "";
}

Policy policyOf(const std::string& conditions) {
  return parsePolicy(R"({"expiration": "2026-01-01T00:00:00.000Z", "conditions": )" + conditions +
                     "}");
}

TEST(PostPolicy, ParsesEveryConditionForm) {
  Policy p = policyOf(R"([{"bucket": "assetd"}, ["starts-with", "$Key", "user/"],
      ["eq", "$Content-Type", "image/png"], ["content-length-range", 1, "1048576"],
      {"x-amz-meta-Tag": "a", "acl": "private"}])");
  EXPECT_EQ(p.expirationMillis, kExpires);
  ASSERT_EQ(p.conditions.size(), 6u);
  EXPECT_EQ(p.conditions[0].kind, Condition::Kind::Eq);
  EXPECT_EQ(p.conditions[0].field, "bucket");
  EXPECT_EQ(p.conditions[1].kind, Condition::Kind::StartsWith);
  EXPECT_EQ(p.conditions[1].field, "key");
  EXPECT_EQ(p.conditions[1].value, "user/");
  EXPECT_EQ(p.conditions[1].text, R"(["starts-with","$Key","user/"])");
  EXPECT_EQ(p.conditions[2].field, "content-type");
  EXPECT_EQ(p.conditions[3].kind, Condition::Kind::ContentLengthRange);
  EXPECT_EQ(p.conditions[3].min, 1u);
  EXPECT_EQ(p.conditions[3].max, 1048576u);
  EXPECT_EQ(p.conditions[4].field, "x-amz-meta-tag");
  EXPECT_EQ(p.conditions[4].text, R"(["eq", "$x-amz-meta-Tag", "a"])");
  EXPECT_EQ(p.conditions[5].field, "acl");
}

TEST(PostPolicy, ExpirationWithoutMilliseconds) {
  Policy p = parsePolicy(R"({"expiration": "2026-01-01T00:00:00Z", "conditions": []})");
  EXPECT_EQ(p.expirationMillis, kExpires);
}

TEST(PostPolicy, RefusesMalformedDocuments) {
  for (
      const char* doc : {
          "",
          "[]",
          "{",
          "null",
          R"({"conditions": []})",
          R"({"expiration": 5, "conditions": []})",
          R"({"expiration": "tomorrow", "conditions": []})",
          R"({"expiration": "2026-01-01T00:00:00Z"})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": {}})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": ["x"]})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": [{}]})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": [{"key": 5}]})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": [["eq", "key", "a"]]})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": [["eq", "$key"]]})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": [["in", "$key", "a"]]})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": [["content-length-range", -1, 5]]})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": [["content-length-range", 1.5, 5]]})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": [["content-length-range", 1]]})",
          R"({"expiration": "2026-01-01T00:00:00Z", "conditions": [[[[[[[[[[[]]]]]]]]]]]})",
      })
    EXPECT_EQ(codeOf([&] { parsePolicy(doc); }), "InvalidPolicyDocument") << doc;
  EXPECT_EQ(codeOf([] { parsePolicy(std::string(kMaxPolicyBytes + 1, ' ')); }),
            "InvalidPolicyDocument");
  EXPECT_EQ(codeOf([] { decodePolicy("not base64!"); }), "InvalidPolicyDocument");
}

TEST(PostPolicy, DecodesBase64) {
  Policy p =
      decodePolicy("eyJleHBpcmF0aW9uIjoiMjAxNS0xMi0zMFQxMjowMDowMC4wMDBaIiwiY29uZGl0aW9ucyI6W119");
  EXPECT_TRUE(p.conditions.empty());
}

TEST(PostPolicy, ChecksExactAndPrefixConditions) {
  Policy p = policyOf(R"([{"bucket": "assetd"}, ["starts-with", "$key", "user/"],
      {"content-type": "image/png"}, ["starts-with", "$x-amz-meta-note", ""]])");
  Fields ok = {{"key", "user/a.png"}, {"content-type", "image/png"}, {"x-amz-meta-note", "hi"}};
  EXPECT_EQ(codeOf([&] { checkPolicy(p, ok, "assetd", kExpires - 1); }), "");

  Fields wrongKey = ok;
  wrongKey[0].second = "other/a.png";
  EXPECT_EQ(
      messageOf([&] { checkPolicy(p, wrongKey, "assetd", kExpires - 1); }),
      R"(Invalid according to Policy: Policy Condition failed: ["starts-with","$key","user/"])");
  Fields wrongType = ok;
  wrongType[1].second = "image/jpeg";
  EXPECT_EQ(codeOf([&] { checkPolicy(p, wrongType, "assetd", kExpires - 1); }), "AccessDenied");
  EXPECT_EQ(messageOf([&] { checkPolicy(p, ok, "other", kExpires - 1); }),
            R"(Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "assetd"])");
  // An empty prefix allows anything, an absent field included; an exact match of an absent
  // field sees "".
  Fields noNote = {{"key", "user/a.png"}, {"content-type", "image/png"}};
  EXPECT_EQ(codeOf([&] { checkPolicy(p, noNote, "assetd", kExpires - 1); }), "");
  Fields noType = {{"key", "user/a.png"}};
  EXPECT_EQ(codeOf([&] { checkPolicy(p, noType, "assetd", kExpires - 1); }), "AccessDenied");
}

TEST(PostPolicy, ContentTypePrefixAppliesToEachListedType) {
  Policy p = policyOf(R"([["starts-with", "$Content-Type", "image/"]])");
  EXPECT_EQ(codeOf([&] {
              checkPolicy(p, {{"content-type", "image/png, image/jpeg"}}, "b", kExpires - 1);
            }),
            "");
  EXPECT_EQ(codeOf([&] {
              checkPolicy(p, {{"content-type", "image/png, text/html"}}, "b", kExpires - 1);
            }),
            "AccessDenied");
}

TEST(PostPolicy, Expired) {
  Policy p = policyOf("[]");
  EXPECT_EQ(messageOf([&] { checkPolicy(p, {}, "b", kExpires); }),
            "Invalid according to Policy: Policy expired.");
}

TEST(PostPolicy, EveryFieldNeedsACondition) {
  Policy p = policyOf(R"([["starts-with", "$key", ""]])");
  Fields fields = {{"key", "a"},
                   {"policy", "..."},
                   {"x-amz-signature", "..."},
                   {"file", ""},
                   {"x-ignore-me", "x"}};
  EXPECT_EQ(codeOf([&] { checkPolicy(p, fields, "b", kExpires - 1); }), "");
  fields.emplace_back("acl", "public-read");
  EXPECT_EQ(messageOf([&] { checkPolicy(p, fields, "b", kExpires - 1); }),
            "Invalid according to Policy: Extra input fields: acl");
}

TEST(PostPolicy, ContentLengthRangesIntersect) {
  Policy p = policyOf(R"([["content-length-range", 10, 100], ["content-length-range", 20, 200]])");
  LengthRange range = checkPolicy(p, {}, "b", kExpires - 1);
  EXPECT_EQ(range.min, 20u);
  EXPECT_EQ(range.max, 100u);
  LengthRange open = checkPolicy(policyOf("[]"), {}, "b", kExpires - 1);
  EXPECT_EQ(open.min, 0u);
  EXPECT_EQ(open.max, UINT64_MAX);
}

TEST(PostPolicy, SignatureIsTheHmacOfTheBase64Policy) {
  // Computed independently (Python's hmac) with the SigV4 signing key of the scope.
  EXPECT_EQ(policySignature(
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20151229", "us-east-1", "s3",
                "eyJleHBpcmF0aW9uIjoiMjAxNS0xMi0zMFQxMjowMDowMC4wMDBaIiwiY29uZGl0aW9ucyI6W119"),
            "2284906a9f4c89da691dc7dfd13e0fc5cc37fb804c1affdd8a61526fe107b2d6");
}

TEST(PostPolicy, FilenameSubstitution) {
  EXPECT_EQ(substituteFilename("user/${filename}", "a.png"), "user/a.png");
  EXPECT_EQ(substituteFilename("${filename}/${filename}", "a"), "a/a");
  EXPECT_EQ(substituteFilename("fixed", "a.png"), "fixed");
  EXPECT_EQ(substituteFilename("u/${filename}", "C:\\Users\\me\\a.png"), "u/a.png");
  EXPECT_EQ(substituteFilename("u/${filename}", ""), "u/");
}

}  // namespace
}  // namespace assetd::s3::post
