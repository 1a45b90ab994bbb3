// What the built-in S3 endpoint does with the S3 features it does not have, decided before a
// handler reads the body: the table of S3's bucket and object sub-resources (`?acl`, `?policy`,
// …) with, per method, the configuration document that is true of this store or S3's 501
// NotImplemented naming the feature; and the request headers that ask for encryption, tags,
// Object Lock and the like, refused so that nothing is stored as if they had been honoured.
#include <algorithm>
#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "objects/object_call.hpp"
#include "s3/s3_error.hpp"
#include "s3/s3_xml.hpp"

namespace assetd::objects {
namespace {

using Handler = void (*)(S3Call&);

struct Operation {
  std::string_view method;
  std::string_view name;      // S3's name of the operation
  Handler handler = nullptr;  // nullptr: answered 501 NotImplemented
};

struct Subresource {
  std::string_view query;    // the query parameter that names it
  std::string_view feature;  // what this endpoint has not, for the 501's message
  std::vector<Operation> operations;
};

s3::S3Error notImplemented(std::string_view operation, std::string_view feature) {
  return s3::S3Error(501, "NotImplemented",
                     std::string(operation) + " is not implemented: this endpoint has no " +
                         std::string(feature) + ".");
}

s3::S3Error notApplicable() {
  return s3::S3Error(400, "InvalidRequest",
                     "The encryption parameters are not applicable to this object.");
}

// The rule `S3Call::headers` and the preflight apply to every request.
s3::s3xml::CorsRule appliedCorsRule() {
  auto split = [](std::string_view list) {
    std::vector<std::string> out;
    while (!list.empty()) {
      std::size_t comma = list.find(',');
      out.emplace_back(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      while (list.starts_with(' ')) list.remove_prefix(1);
    }
    return out;
  };
  return {{"*"},
          split(kCorsAllowedMethods),
          {std::string(kCorsAllowedOrigin)},
          split(kExposedHeaders),
          kCorsMaxAgeSeconds};
}

void requireObject(S3Call& call) {
  if (!call.store.head(call.key)) throw noSuchKey();
}

void getAcl(S3Call& call) {
  if (!call.key.empty()) requireObject(call);
  call.sendXml(200, s3::s3xml::accessControlPolicy());
}

void getBucketCors(S3Call& call) {
  call.sendXml(200, s3::s3xml::corsConfiguration(appliedCorsRule()));
}

void getBucketVersioning(S3Call& call) {
  call.sendXml(200, s3::s3xml::versioningConfiguration());
}

void getObjectTagging(S3Call& call) {
  requireObject(call);
  call.sendXml(200, s3::s3xml::emptyTagging());
}

constexpr std::string_view kAcls = "ACLs (only the key pair's owner has access, FULL_CONTROL)";
constexpr std::string_view kObjectLock = "Object Lock";
constexpr std::string_view kVersioning = "versioning (objects have one version)";

// Every sub-resource S3 has on a bucket but the three the ordinary dispatch serves (`location`,
// `uploads`, `delete`). A method a sub-resource has not answers 405.
const std::vector<Subresource>& bucketSubresources() {
  static const std::vector<Subresource> table = {
      {"accelerate",
       "transfer acceleration",
       {{"GET", "GetBucketAccelerateConfiguration"}, {"PUT", "PutBucketAccelerateConfiguration"}}},
      {"acl", kAcls, {{"GET", "GetBucketAcl", getAcl}, {"PUT", "PutBucketAcl"}}},
      {"analytics",
       "storage class analytics",
       {{"GET", "GetBucketAnalyticsConfiguration"},
        {"PUT", "PutBucketAnalyticsConfiguration"},
        {"DELETE", "DeleteBucketAnalyticsConfiguration"}}},
      {"cors",
       "configurable CORS (every answer applies the rule GetBucketCors returns)",
       {{"GET", "GetBucketCors", getBucketCors},
        {"PUT", "PutBucketCors"},
        {"DELETE", "DeleteBucketCors"}}},
      {"encryption",
       "server-side encryption (objects are stored unencrypted)",
       {{"GET", "GetBucketEncryption"},
        {"PUT", "PutBucketEncryption"},
        {"DELETE", "DeleteBucketEncryption"}}},
      {"intelligent-tiering",
       "Intelligent-Tiering",
       {{"GET", "GetBucketIntelligentTieringConfiguration"},
        {"PUT", "PutBucketIntelligentTieringConfiguration"},
        {"DELETE", "DeleteBucketIntelligentTieringConfiguration"}}},
      {"inventory",
       "inventory reports",
       {{"GET", "GetBucketInventoryConfiguration"},
        {"PUT", "PutBucketInventoryConfiguration"},
        {"DELETE", "DeleteBucketInventoryConfiguration"}}},
      {"lifecycle",
       "lifecycle rules",
       {{"GET", "GetBucketLifecycleConfiguration"},
        {"PUT", "PutBucketLifecycleConfiguration"},
        {"DELETE", "DeleteBucketLifecycle"}}},
      {"logging",
       "server access logging",
       {{"GET", "GetBucketLogging"}, {"PUT", "PutBucketLogging"}}},
      {"metadataConfiguration",
       "metadata tables",
       {{"GET", "GetBucketMetadataConfiguration"},
        {"POST", "CreateBucketMetadataConfiguration"},
        {"DELETE", "DeleteBucketMetadataConfiguration"}}},
      {"metadataTable",
       "metadata tables",
       {{"GET", "GetBucketMetadataTableConfiguration"},
        {"POST", "CreateBucketMetadataTableConfiguration"},
        {"DELETE", "DeleteBucketMetadataTableConfiguration"}}},
      {"metrics",
       "request metrics configurations",
       {{"GET", "GetBucketMetricsConfiguration"},
        {"PUT", "PutBucketMetricsConfiguration"},
        {"DELETE", "DeleteBucketMetricsConfiguration"}}},
      {"notification",
       "event notifications",
       {{"GET", "GetBucketNotificationConfiguration"},
        {"PUT", "PutBucketNotificationConfiguration"}}},
      {"object-lock",
       kObjectLock,
       {{"GET", "GetObjectLockConfiguration"}, {"PUT", "PutObjectLockConfiguration"}}},
      {"ownershipControls",
       "ownership controls",
       {{"GET", "GetBucketOwnershipControls"},
        {"PUT", "PutBucketOwnershipControls"},
        {"DELETE", "DeleteBucketOwnershipControls"}}},
      {"policy",
       "bucket policies",
       {{"GET", "GetBucketPolicy"}, {"PUT", "PutBucketPolicy"}, {"DELETE", "DeleteBucketPolicy"}}},
      {"policyStatus", "bucket policies", {{"GET", "GetBucketPolicyStatus"}}},
      {"publicAccessBlock",
       "public access settings (nothing is public)",
       {{"GET", "GetPublicAccessBlock"},
        {"PUT", "PutPublicAccessBlock"},
        {"DELETE", "DeletePublicAccessBlock"}}},
      {"replication",
       "replication",
       {{"GET", "GetBucketReplication"},
        {"PUT", "PutBucketReplication"},
        {"DELETE", "DeleteBucketReplication"}}},
      {"requestPayment",
       "Requester Pays",
       {{"GET", "GetBucketRequestPayment"}, {"PUT", "PutBucketRequestPayment"}}},
      {"session", "S3 Express sessions", {{"GET", "CreateSession"}}},
      {"tagging",
       "bucket tags",
       {{"GET", "GetBucketTagging"},
        {"PUT", "PutBucketTagging"},
        {"DELETE", "DeleteBucketTagging"}}},
      {"versioning",
       kVersioning,
       {{"GET", "GetBucketVersioning", getBucketVersioning}, {"PUT", "PutBucketVersioning"}}},
      {"versions", kVersioning, {{"GET", "ListObjectVersions"}}},
      {"website",
       "website hosting",
       {{"GET", "GetBucketWebsite"},
        {"PUT", "PutBucketWebsite"},
        {"DELETE", "DeleteBucketWebsite"}}},
  };
  return table;
}

// Every sub-resource S3 has on an object but the multipart ones (`uploads`, `uploadId`).
const std::vector<Subresource>& objectSubresources() {
  static const std::vector<Subresource> table = {
      {"acl", kAcls, {{"GET", "GetObjectAcl", getAcl}, {"PUT", "PutObjectAcl"}}},
      {"attributes", "GetObjectAttributes", {{"GET", "GetObjectAttributes"}}},
      {"legal-hold", kObjectLock, {{"GET", "GetObjectLegalHold"}, {"PUT", "PutObjectLegalHold"}}},
      {"renameObject", "renames", {{"PUT", "RenameObject"}}},
      {"restore", "archive storage classes", {{"POST", "RestoreObject"}}},
      {"retention", kObjectLock, {{"GET", "GetObjectRetention"}, {"PUT", "PutObjectRetention"}}},
      {"select", "S3 Select", {{"POST", "SelectObjectContent"}}},
      {"tagging",
       "object tags (objects carry none)",
       {{"GET", "GetObjectTagging", getObjectTagging},
        {"PUT", "PutObjectTagging"},
        {"DELETE", "DeleteObjectTagging"}}},
      {"torrent", "BitTorrent", {{"GET", "GetObjectTorrent"}}},
  };
  return table;
}

// ---- Headers ----

// A request's value of a header (lower-cased name), empty when absent: its headers, or the fields
// of a form upload.
using Lookup = std::function<std::string_view(std::string_view)>;

Lookup headersOf(const S3Call& call) {
  return [&call](std::string_view name) { return call.request.header(name); };
}

bool given(const Lookup& in, std::string_view name) {
  return !in(name).empty();
}

bool anyGiven(const Lookup& in, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [&](auto name) { return given(in, name); });
}

bool sseCustomer(const Lookup& in, std::string_view prefix) {
  std::string base(prefix);
  return anyGiven(in, {base + "algorithm", base + "key", base + "key-md5"});
}

constexpr std::string_view kCustomerKey = "x-amz-server-side-encryption-customer-";
constexpr std::string_view kCopySourceCustomerKey =
    "x-amz-copy-source-server-side-encryption-customer-";

// SSE-C parameters for an object that is not encrypted (none is): S3 answers 400.
void refuseCustomerKeyForPlainObject(S3Call& call, std::string_view prefix,
                                     const std::string& key) {
  if (sseCustomer(headersOf(call), prefix) && call.store.head(key)) throw notApplicable();
}

// The headers of a request that creates an object (PutObject, CopyObject,
// CreateMultipartUpload), or the fields of a form upload (PostObject).
void refuseWriteHeaders(const Lookup& in, const std::string& operation) {
  std::string_view sse = in("x-amz-server-side-encryption");
  if (!sse.empty()) {
    if (sse != "AES256" && sse != "aws:kms" && sse != "aws:kms:dsse")
      throw s3::S3Error(400, "InvalidArgument", "The encryption method specified is not supported");
    throw notImplemented(operation + " with x-amz-server-side-encryption: " + std::string(sse),
                         "server-side encryption (objects are stored unencrypted)");
  }
  if (anyGiven(in, {"x-amz-server-side-encryption-aws-kms-key-id",
                    "x-amz-server-side-encryption-context",
                    "x-amz-server-side-encryption-bucket-key-enabled"}))
    throw notImplemented(operation + " with SSE-KMS parameters",
                         "server-side encryption (objects are stored unencrypted)");
  if (sseCustomer(in, kCustomerKey))
    throw notImplemented(operation + " with customer-provided keys (SSE-C)",
                         "server-side encryption (objects are stored unencrypted)");
  if (given(in, "x-amz-tagging"))
    throw notImplemented(operation + " with x-amz-tagging", "object tags (objects carry none)");
  std::string_view directive = in("x-amz-tagging-directive");
  if (!directive.empty() && directive != "COPY" && directive != "REPLACE")
    throw s3::S3Error(400, "InvalidArgument", "Unknown tagging directive.");
  if (anyGiven(in, {"x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
                    "x-amz-object-lock-legal-hold"}))
    throw notImplemented(operation + " with x-amz-object-lock-*", kObjectLock);
  if (given(in, "x-amz-website-redirect-location"))
    throw notImplemented(operation + " with x-amz-website-redirect-location", "website hosting");
  if (given(in, "x-amz-write-offset-bytes"))
    throw notImplemented(operation + " with x-amz-write-offset-bytes", "appends to objects");

  std::string_view storageClass = in("x-amz-storage-class");
  if (!storageClass.empty() && storageClass != "STANDARD") {
    static constexpr std::array<std::string_view, 11> kKnown = {"REDUCED_REDUNDANCY",
                                                                "STANDARD_IA",
                                                                "ONEZONE_IA",
                                                                "INTELLIGENT_TIERING",
                                                                "GLACIER",
                                                                "DEEP_ARCHIVE",
                                                                "OUTPOSTS",
                                                                "GLACIER_IR",
                                                                "SNOW",
                                                                "EXPRESS_ONEZONE",
                                                                "FSX_OPENZFS"};
    if (std::find(kKnown.begin(), kKnown.end(), storageClass) == kKnown.end())
      throw s3::S3Error(400, "InvalidStorageClass", "The storage class you specified is not valid");
    throw notImplemented(operation + " with x-amz-storage-class: " + std::string(storageClass),
                         "storage class but STANDARD");
  }

  // The one identity owns the bucket and every object, so these canned ACLs all come down to
  // what every object has: the owner's FULL_CONTROL and nobody else's.
  std::string_view acl = in("x-amz-acl");
  if (!acl.empty() && acl != "private" && acl != "bucket-owner-full-control" &&
      acl != "bucket-owner-read") {
    static constexpr std::array<std::string_view, 5> kCanned = {
        "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
        "log-delivery-write"};
    if (std::find(kCanned.begin(), kCanned.end(), acl) == kCanned.end())
      throw s3::S3Error(400, "InvalidArgument", "Invalid canned ACL");
    throw notImplemented(operation + " with x-amz-acl: " + std::string(acl), kAcls);
  }
  if (anyGiven(in, {"x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp",
                    "x-amz-grant-write-acp", "x-amz-grant-full-control"}))
    throw notImplemented(operation + " with x-amz-grant-*", kAcls);
}

}  // namespace

bool serveSubresource(S3Call& call) {
  const std::string& method = call.request.method;
  const auto& table = call.key.empty() ? bucketSubresources() : objectSubresources();
  for (const Subresource& row : table) {
    if (!call.has(row.query)) continue;
    auto operation = std::find_if(row.operations.begin(), row.operations.end(),
                                  [&](const Operation& op) { return op.method == method; });
    if (operation == row.operations.end())
      throw s3::S3Error(405, "MethodNotAllowed",
                        "The specified method is not allowed against this resource.");
    if (!operation->handler) throw notImplemented(operation->name, row.feature);
    operation->handler(call);
    return true;
  }
  return false;
}

void refuseUnsupportedFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  refuseWriteHeaders(
      [&fields](std::string_view name) -> std::string_view {
        // A form names the canned ACL and the tags without the header's prefix.
        if (name == "x-amz-acl") name = "acl";
        if (name == "x-amz-tagging") name = "tagging";
        for (const auto& [field, value] : fields)
          if (field == name) return value;
        return {};
      },
      "PostObject");
}

void refuseUnsupportedHeaders(S3Call& call) {
  if (call.key.empty()) return;
  const std::string& method = call.request.method;
  bool copy = given(headersOf(call), "x-amz-copy-source");
  if (method == "PUT" && (call.has("uploadId") || call.has("partNumber"))) {
    // The upload was created without SSE-C (that is refused), so its parts take none.
    if (sseCustomer(headersOf(call), kCustomerKey)) throw notApplicable();
    if (copy) refuseCustomerKeyForPlainObject(call, kCopySourceCustomerKey, copySourceKey(call));
  } else if (method == "PUT") {
    refuseWriteHeaders(headersOf(call), copy ? "CopyObject" : "PutObject");
    if (copy) refuseCustomerKeyForPlainObject(call, kCopySourceCustomerKey, copySourceKey(call));
  } else if (method == "POST" && call.has("uploads")) {
    refuseWriteHeaders(headersOf(call), "CreateMultipartUpload");
  } else if (method == "GET" || method == "HEAD") {
    refuseCustomerKeyForPlainObject(call, kCustomerKey, call.key);
  }
}

}  // namespace assetd::objects
