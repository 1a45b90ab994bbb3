#pragma once
// The POST policy of a browser form upload (S3's POST Object, AWS Signature Version 4): the
// base64 JSON document with an `expiration` and `conditions`, its signature, and the check of a
// form's fields against it. Pure functions: no I/O, no clock (callers pass the time), safe from
// any thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assetd::s3::post {

// S3's limit on a policy document, decoded.
inline constexpr std::size_t kMaxPolicyBytes = 20 * 1024;

struct Condition {
  enum class Kind { Eq, StartsWith, ContentLengthRange };
  Kind kind = Kind::Eq;
  std::string field;  // lower-cased, without '$'; empty for a content-length-range
  std::string value;  // the exact value or the prefix
  std::uint64_t min = 0;
  std::uint64_t max = 0;
  std::string text;  // as S3 names the condition in its errors: ["eq", "$key", "a.txt"]
};

struct Policy {
  std::int64_t expirationMillis = 0;
  std::vector<Condition> conditions;
};

// Parses the decoded policy JSON: {"expiration": ISO-8601, "conditions": [...]}, each condition
// an object of exact matches ({"acl": "private"}), ["eq" | "starts-with", "$field", "text"] or
// ["content-length-range", min, max] (non-negative integers, or strings of digits). Field names
// compare case-insensitively. Throws S3Error 400 InvalidPolicyDocument, naming what is wrong,
// for anything else (bad JSON, nesting, a document over kMaxPolicyBytes, unknown operations).
Policy parsePolicy(std::string_view json);
// The same from the form's base64 `policy` field; InvalidPolicyDocument if it is not base64.
Policy decodePolicy(std::string_view base64);

// Form fields, names lower-cased, in the order they came.
using Fields = std::vector<std::pair<std::string, std::string>>;

// The bytes a file must have: the intersection of the policy's content-length-ranges.
struct LengthRange {
  std::uint64_t min = 0;
  std::uint64_t max = UINT64_MAX;
};

// Checks a form against its (already authenticated) policy at `nowMillis`. `fields` are the
// form's fields with `key` as it will be stored (after ${filename}); a condition on `bucket`
// is checked against `bucket`, and a condition on a field the form lacks sees an empty value.
// Every field but file, policy, x-amz-signature and x-ignore-* must be named by an eq or
// starts-with condition. Throws S3Error 403 AccessDenied "Invalid according to Policy: ..."
// (Policy expired., Policy Condition failed: <condition>, Extra input fields: <name>). Returns
// what the file's size must be.
LengthRange checkPolicy(const Policy& policy, const Fields& fields, std::string_view bucket,
                        std::int64_t nowMillis);

// Hex HMAC-SHA256 of the base64 policy, keyed with the SigV4 signing key of the credential
// scope (`date` YYYYMMDD, region, service): what the form's x-amz-signature must be.
std::string policySignature(std::string_view secret, std::string_view date, std::string_view region,
                            std::string_view service, std::string_view policyBase64);

// `key` with every "${filename}" replaced by `filename` (its last path segment: browsers on
// some systems send the whole path).
std::string substituteFilename(std::string_view key, std::string_view filename);

}  // namespace assetd::s3::post
