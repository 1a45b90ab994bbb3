#include "s3/s3_xml.hpp"

#include <charconv>
#include <ctime>

#include "core/time.hpp"
#include "sign/url_codec.hpp"

namespace assetd::s3::s3xml {
namespace {

constexpr std::string_view kDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr std::string_view kNamespace = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

// The XML declaration and the opening tag of a response's root element, in S3's namespace.
std::string openDocument(std::string_view root) {
  std::string out(kDeclaration);
  out += "<";
  out += root;
  out += kNamespace;
  out += ">";
  return out;
}

void element(std::string& out, std::string_view tag, std::string_view text) {
  out += "<";
  out += tag;
  out += ">";
  out += escape(text);
  out += "</";
  out += tag;
  out += ">";
}

void appendUtf8(std::string& out, unsigned long code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

// The one identity of the built-in endpoint, named where S3 names an owner, an initiator or a
// grantee: `<tag><ID>assetd</ID><DisplayName>assetd</DisplayName></tag>`.
void identity(std::string& out, std::string_view tag, std::string_view attributes = {}) {
  out += "<";
  out += tag;
  out += attributes;
  out += ">";
  element(out, "ID", "assetd");
  element(out, "DisplayName", "assetd");
  out += "</";
  out += tag;
  out += ">";
}

void owner(std::string& out) {
  identity(out, "Initiator");
  identity(out, "Owner");
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 cannot carry other control characters at all, not even as references.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
          out += "\xEF\xBF\xBD";  // U+FFFD
        else
          out += c;
    }
  }
  return out;
}

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    std::size_t end = text.find(';', i);
    if (end == std::string_view::npos || end - i > 12) {
      out += text[i];
      continue;
    }
    std::string_view entity = text.substr(i + 1, end - i - 1);
    if (entity == "amp")
      out += '&';
    else if (entity == "lt")
      out += '<';
    else if (entity == "gt")
      out += '>';
    else if (entity == "quot")
      out += '"';
    else if (entity == "apos")
      out += '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      bool hex = entity[1] == 'x' || entity[1] == 'X';
      std::string_view digits = entity.substr(hex ? 2 : 1);
      unsigned long code = 0;
      auto [ptr, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || code > 0x10FFFF) {
        out += text[i];
        continue;
      }
      appendUtf8(out, code);
    } else {
      out += text[i];
      continue;
    }
    i = end;
  }
  return out;
}

std::string httpDate(std::int64_t millis) {
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

std::string error(std::string_view code, std::string_view message, std::string_view resource,
                  std::string_view requestId, std::string_view condition) {
  std::string out(kDeclaration);
  out += "<Error>";
  element(out, "Code", code);
  element(out, "Message", message);
  if (!condition.empty()) element(out, "Condition", condition);
  element(out, "Resource", resource);
  element(out, "RequestId", requestId);
  out += "</Error>";
  return out;
}

std::string listBucket(const ListResult& r) {
  auto name = [&](std::string_view text) {
    return r.urlEncode ? sign::uriEncode(text, true) : std::string(text);
  };
  std::string out = openDocument("ListBucketResult");
  element(out, "Name", r.bucket);
  element(out, "Prefix", name(r.prefix));
  if (r.v2) {
    if (r.continuationToken) element(out, "ContinuationToken", *r.continuationToken);
    if (!r.startAfter.empty()) element(out, "StartAfter", name(r.startAfter));
    element(out, "KeyCount", std::to_string(r.contents.size() + r.commonPrefixes.size()));
  } else {
    element(out, "Marker", name(r.marker));
    if (!r.nextMarker.empty()) element(out, "NextMarker", name(r.nextMarker));
  }
  element(out, "MaxKeys", std::to_string(r.maxKeys));
  if (!r.delimiter.empty()) element(out, "Delimiter", name(r.delimiter));
  if (r.urlEncode) element(out, "EncodingType", "url");
  element(out, "IsTruncated", r.truncated ? "true" : "false");
  if (r.v2 && !r.nextContinuationToken.empty())
    element(out, "NextContinuationToken", r.nextContinuationToken);
  for (const ListedObject& object : r.contents) {
    out += "<Contents>";
    element(out, "Key", name(object.key));
    element(out, "LastModified", core::isoMillis(object.lastModifiedMillis));
    element(out, "ETag", object.etag);
    element(out, "Size", std::to_string(object.size));
    if (!r.v2 || r.fetchOwner) identity(out, "Owner");
    element(out, "StorageClass", "STANDARD");
    out += "</Contents>";
  }
  for (const std::string& prefix : r.commonPrefixes) {
    out += "<CommonPrefixes>";
    element(out, "Prefix", name(prefix));
    out += "</CommonPrefixes>";
  }
  out += "</ListBucketResult>";
  return out;
}

std::string accessControlPolicy() {
  std::string out = openDocument("AccessControlPolicy");
  identity(out, "Owner");
  out += "<AccessControlList><Grant>";
  identity(out, "Grantee",
           " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"");
  element(out, "Permission", "FULL_CONTROL");
  out += "</Grant></AccessControlList></AccessControlPolicy>";
  return out;
}

std::string corsConfiguration(const CorsRule& rule) {
  std::string out = openDocument("CORSConfiguration");
  out += "<CORSRule>";
  for (const std::string& header : rule.allowedHeaders) element(out, "AllowedHeader", header);
  for (const std::string& method : rule.allowedMethods) element(out, "AllowedMethod", method);
  for (const std::string& origin : rule.allowedOrigins) element(out, "AllowedOrigin", origin);
  for (const std::string& header : rule.exposeHeaders) element(out, "ExposeHeader", header);
  element(out, "MaxAgeSeconds", std::to_string(rule.maxAgeSeconds));
  out += "</CORSRule></CORSConfiguration>";
  return out;
}

std::string versioningConfiguration() {
  std::string out = openDocument("VersioningConfiguration");
  out += "</VersioningConfiguration>";
  return out;
}

std::string emptyTagging() {
  std::string out = openDocument("Tagging");
  out += "<TagSet></TagSet></Tagging>";
  return out;
}

std::string listParts(const PartsResult& r) {
  std::string out = openDocument("ListPartsResult");
  element(out, "Bucket", r.bucket);
  element(out, "Key", r.key);
  element(out, "UploadId", r.uploadId);
  owner(out);
  element(out, "StorageClass", "STANDARD");
  element(out, "PartNumberMarker", std::to_string(r.partNumberMarker));
  element(out, "NextPartNumberMarker", std::to_string(r.nextPartNumberMarker));
  element(out, "MaxParts", std::to_string(r.maxParts));
  element(out, "IsTruncated", r.truncated ? "true" : "false");
  for (const ListedPart& part : r.parts) {
    out += "<Part>";
    element(out, "PartNumber", std::to_string(part.number));
    element(out, "LastModified", core::isoMillis(part.lastModifiedMillis));
    element(out, "ETag", part.etag);
    element(out, "Size", std::to_string(part.size));
    if (part.checksum)
      element(out, checksumElementName(part.checksum->algorithm), part.checksum->value);
    out += "</Part>";
  }
  if (r.checksum) {
    std::string algorithm = checksumElementName(r.checksum->algorithm).substr(8);
    element(out, "ChecksumAlgorithm", algorithm);
    element(out, "ChecksumType", checksumTypeName(r.checksum->type));
  }
  out += "</ListPartsResult>";
  return out;
}

std::string listMultipartUploads(const UploadsResult& r) {
  std::string out = openDocument("ListMultipartUploadsResult");
  element(out, "Bucket", r.bucket);
  element(out, "KeyMarker", r.keyMarker);
  element(out, "UploadIdMarker", r.uploadIdMarker);
  element(out, "NextKeyMarker", r.nextKeyMarker);
  element(out, "NextUploadIdMarker", r.nextUploadIdMarker);
  if (!r.delimiter.empty()) element(out, "Delimiter", r.delimiter);
  element(out, "Prefix", r.prefix);
  element(out, "MaxUploads", std::to_string(r.maxUploads));
  element(out, "IsTruncated", r.truncated ? "true" : "false");
  for (const ListedUpload& upload : r.uploads) {
    out += "<Upload>";
    element(out, "Key", upload.key);
    element(out, "UploadId", upload.uploadId);
    owner(out);
    element(out, "StorageClass", "STANDARD");
    element(out, "Initiated", core::isoMillis(upload.initiatedMillis));
    out += "</Upload>";
  }
  for (const std::string& prefix : r.commonPrefixes) {
    out += "<CommonPrefixes>";
    element(out, "Prefix", prefix);
    out += "</CommonPrefixes>";
  }
  out += "</ListMultipartUploadsResult>";
  return out;
}

std::string listBuckets(std::string_view bucket, std::int64_t createdMillis) {
  std::string out(kDeclaration);
  out += "<ListAllMyBucketsResult";
  out += kNamespace;
  out += ">";
  identity(out, "Owner");
  out += "<Buckets><Bucket>";
  element(out, "Name", bucket);
  element(out, "CreationDate", core::isoMillis(createdMillis));
  out += "</Bucket></Buckets></ListAllMyBucketsResult>";
  return out;
}

std::string location(std::string_view region) {
  std::string out = openDocument("LocationConstraint");
  if (region != "us-east-1") out += escape(region);
  out += "</LocationConstraint>";
  return out;
}

std::string initiateMultipartUpload(std::string_view bucket, std::string_view key,
                                    std::string_view uploadId) {
  std::string out = openDocument("InitiateMultipartUploadResult");
  element(out, "Bucket", bucket);
  element(out, "Key", key);
  element(out, "UploadId", uploadId);
  out += "</InitiateMultipartUploadResult>";
  return out;
}

namespace {

// Location, Bucket, Key and ETag of an object just stored, under `root`, with its checksum.
std::string storedObjectDocument(std::string_view root, std::string_view location,
                                 std::string_view bucket, std::string_view key,
                                 std::string_view etag,
                                 const std::optional<ObjectChecksum>& checksum) {
  std::string out = openDocument(root);
  element(out, "Location", location);
  element(out, "Bucket", bucket);
  element(out, "Key", key);
  element(out, "ETag", etag);
  if (checksum) {
    element(out, checksumElementName(checksum->algorithm), checksum->value);
    element(out, "ChecksumType", checksumTypeName(checksum->type));
  }
  out += "</" + std::string(root) + ">";
  return out;
}

}  // namespace

std::string completeMultipartUpload(std::string_view location, std::string_view bucket,
                                    std::string_view key, std::string_view etag,
                                    const std::optional<ObjectChecksum>& checksum) {
  return storedObjectDocument("CompleteMultipartUploadResult", location, bucket, key, etag,
                              checksum);
}

std::string postResponse(std::string_view location, std::string_view bucket, std::string_view key,
                         std::string_view etag) {
  return storedObjectDocument("PostResponse", location, bucket, key, etag, std::nullopt);
}

std::string copyObject(std::string_view etag, std::int64_t lastModifiedMillis) {
  std::string out = openDocument("CopyObjectResult");
  element(out, "LastModified", core::isoMillis(lastModifiedMillis));
  element(out, "ETag", etag);
  out += "</CopyObjectResult>";
  return out;
}

std::string copyPart(std::string_view etag, std::int64_t lastModifiedMillis,
                     const std::optional<ObjectChecksum>& checksum) {
  std::string out = openDocument("CopyPartResult");
  element(out, "ETag", etag);
  element(out, "LastModified", core::isoMillis(lastModifiedMillis));
  if (checksum) element(out, checksumElementName(checksum->algorithm), checksum->value);
  out += "</CopyPartResult>";
  return out;
}

std::string deleteResult(const std::vector<DeleteOutcome>& outcomes, bool quiet) {
  std::string out = openDocument("DeleteResult");
  for (const DeleteOutcome& outcome : outcomes) {
    if (outcome.code.empty()) {
      if (quiet) continue;
      out += "<Deleted>";
      element(out, "Key", outcome.key);
      out += "</Deleted>";
    } else {
      out += "<Error>";
      element(out, "Key", outcome.key);
      element(out, "Code", outcome.code);
      element(out, "Message", outcome.message);
      out += "</Error>";
    }
  }
  out += "</DeleteResult>";
  return out;
}

std::vector<std::string_view> elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  std::string open = "<" + std::string(tag);
  std::string close = "</" + std::string(tag) + ">";
  std::size_t at = 0;
  while ((at = xml.find(open, at)) != std::string_view::npos) {
    std::size_t after = at + open.size();
    if (after >= xml.size()) break;
    char next = xml[after];
    if (next != '>' && next != ' ' && next != '\t' && next != '\r' && next != '\n' && next != '/') {
      at = after;  // a longer tag name that merely starts the same
      continue;
    }
    std::size_t contentStart = xml.find('>', after);
    if (contentStart == std::string_view::npos) break;
    if (xml[contentStart - 1] == '/') {  // <tag/>
      out.push_back({});
      at = contentStart + 1;
      continue;
    }
    ++contentStart;
    std::size_t end = xml.find(close, contentStart);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(contentStart, end - contentStart));
    at = end + close.size();
  }
  return out;
}

std::optional<std::string> firstText(std::string_view xml, std::string_view tag) {
  auto found = elements(xml, tag);
  if (found.empty()) return std::nullopt;
  return unescape(found.front());
}

std::optional<std::vector<CompletePart>> parseCompleteParts(std::string_view xml) {
  if (elements(xml, "CompleteMultipartUpload").empty()) return std::nullopt;
  std::vector<CompletePart> parts;
  for (std::string_view part : elements(xml, "Part")) {
    auto number = firstText(part, "PartNumber");
    auto etag = firstText(part, "ETag");
    if (!number || !etag) return std::nullopt;
    std::string digits = trimmed(*number);
    CompletePart parsed;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed.number);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    parsed.etag = trimmed(*etag);
    for (std::string_view algorithm : {"crc32", "crc32c", "crc64nvme", "sha1", "sha256"})
      if (auto value = firstText(part, checksumElementName(algorithm)))
        parsed.checksums.emplace_back(algorithm, trimmed(*value));
    parts.push_back(std::move(parsed));
  }
  return parts;
}

std::optional<DeleteRequest> parseDelete(std::string_view xml) {
  if (elements(xml, "Delete").empty()) return std::nullopt;
  DeleteRequest request;
  for (std::string_view object : elements(xml, "Object")) {
    auto key = firstText(object, "Key");
    if (!key) return std::nullopt;
    request.keys.push_back(std::move(*key));
  }
  auto quiet = firstText(xml, "Quiet");
  request.quiet = quiet && trimmed(*quiet) == "true";
  return request;
}

}  // namespace assetd::s3::s3xml
