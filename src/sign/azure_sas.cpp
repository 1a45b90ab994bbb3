#include "sign/azure_sas.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "sign/crypto.hpp"
#include "sign/url_codec.hpp"

namespace assetd::sign::azure {
namespace {

// The order Azure expects the permission letters in.
constexpr std::string_view kPermissionOrder = "racwdxyltfmeopi";

// First signed versions of each string-to-sign layout.
constexpr std::string_view kOldestVersion = "2013-08-15";
constexpr std::string_view kBlobPrefixVersion = "2015-02-21";  // "/blob" in the resource
constexpr std::string_view kIpProtocolVersion = "2015-04-05";  // sip, spr
constexpr std::string_view kResourceVersion = "2018-11-09";    // sr, snapshot
constexpr std::string_view kDirectoryVersion = "2020-02-10";   // sr=d
constexpr std::string_view kScopeVersion = "2020-12-06";       // ses

core::ApiError invalid(const std::string& field, const std::string& what) {
  return core::ApiError::badRequest(field, what);
}

bool isVersion(std::string_view v) {
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9')) return false;
  return true;
}

std::string orderedPermissions(const std::string& permissions) {
  if (permissions.empty()) throw invalid("sp", "required");
  for (char c : permissions)
    if (kPermissionOrder.find(c) == std::string_view::npos)
      throw invalid("sp", std::string("unknown permission '") + c + "'");
  std::string out;
  for (char c : kPermissionOrder)
    if (permissions.find(c) != std::string::npos) out.push_back(c);
  return out;
}

// Validates `fields`; returns them with the permissions in Azure's order.
SasFields checked(const SasFields& fields) {
  const std::pair<const char*, const std::string*> all[] = {{"sp", &fields.permissions},
                                                            {"st", &fields.start},
                                                            {"se", &fields.expiry},
                                                            {"si", &fields.identifier},
                                                            {"sip", &fields.ip},
                                                            {"spr", &fields.protocol},
                                                            {"sv", &fields.version},
                                                            {"sr", &fields.resource},
                                                            {"snapshot", &fields.snapshotTime},
                                                            {"ses", &fields.encryptionScope},
                                                            {"rscc", &fields.cacheControl},
                                                            {"rscd", &fields.contentDisposition},
                                                            {"rsce", &fields.contentEncoding},
                                                            {"rscl", &fields.contentLanguage},
                                                            {"rsct", &fields.contentType},
                                                            {"sdd", &fields.directoryDepth}};
  for (const auto& [name, value] : all)
    if (value->find_first_of("\r\n") != std::string::npos) throw invalid(name, "must be one line");

  const std::string& v = fields.version;
  if (!isVersion(v)) throw invalid("sv", "must be a service version YYYY-MM-DD");
  if (v < kOldestVersion) throw invalid("sv", "versions before 2013-08-15 are not supported");
  if (fields.expiry.empty() && fields.identifier.empty())
    throw invalid("se", "required unless si names a stored access policy");
  if (!fields.protocol.empty() && fields.protocol != "https" && fields.protocol != "https,http")
    throw invalid("spr", "must be https or https,http");
  if ((!fields.ip.empty() || !fields.protocol.empty()) && v < kIpProtocolVersion)
    throw invalid("sv", "sip and spr need version 2015-04-05 or later");
  const std::string& sr = fields.resource;
  if (sr != "b" && sr != "c" && sr != "d" && sr != "bs" && sr != "bv")
    throw invalid("sr", "must be b, c, d, bs or bv");
  if ((sr == "bs" || sr == "bv") && (v < kResourceVersion || fields.snapshotTime.empty()))
    throw invalid("sr", "bs and bv need a snapshot time and version 2018-11-09 or later");
  if (sr == "d") {
    if (v < kDirectoryVersion) throw invalid("sr", "d needs version 2020-02-10 or later");
    if (fields.directoryDepth.empty() ||
        !std::all_of(fields.directoryDepth.begin(), fields.directoryDepth.end(),
                     [](char c) { return c >= '0' && c <= '9'; }))
      throw invalid("sdd", "required with sr=d, a number");
  }
  if (!fields.encryptionScope.empty() && v < kScopeVersion)
    throw invalid("ses", "needs version 2020-12-06 or later");
  SasFields out = fields;
  out.permissions = orderedPermissions(fields.permissions);
  return out;
}

}  // namespace

std::string sasTime(std::int64_t unixSeconds) {
  // "2017-09-30T16:00:00.000Z" -> "2017-09-30T16:00:00Z"
  return core::isoMillis(unixSeconds * 1000).substr(0, 19) + "Z";
}

std::string canonicalizedResource(const std::string& account, const std::string& container,
                                  const std::string& blob, const std::string& version) {
  if (account.empty()) throw invalid("accountName", "required");
  if (container.empty()) throw invalid("container", "required");
  std::string out = version >= kBlobPrefixVersion ? "/blob/" : "/";
  out += account + "/" + container;
  if (!blob.empty()) out += "/" + blob;
  return out;
}

std::string stringToSign(const SasFields& input, const std::string& canonicalizedResource) {
  const SasFields f = checked(input);
  const std::string& v = f.version;
  std::vector<const std::string*> lines = {&f.permissions, &f.start, &f.expiry,
                                           &canonicalizedResource, &f.identifier};
  if (v >= kIpProtocolVersion) {
    lines.push_back(&f.ip);
    lines.push_back(&f.protocol);
  }
  lines.push_back(&f.version);
  if (v >= kResourceVersion) {
    lines.push_back(&f.resource);
    lines.push_back(&f.snapshotTime);
  }
  if (v >= kScopeVersion) lines.push_back(&f.encryptionScope);
  for (const std::string* header : {&f.cacheControl, &f.contentDisposition, &f.contentEncoding,
                                    &f.contentLanguage, &f.contentType})
    lines.push_back(header);

  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out.push_back('\n');
    out += *lines[i];
  }
  return out;
}

std::string signature(const std::string& stringToSign, const std::string& accountKeyBase64) {
  const auto key = crypto::base64Decode(accountKeyBase64);
  if (!key || key->empty()) throw invalid("accountKey", "must be the base64 account key");
  return crypto::base64Encode(crypto::hmacSha256(*key, stringToSign));
}

std::string token(const SasFields& input, const std::string& signature) {
  const SasFields f = checked(input);
  std::vector<std::pair<std::string_view, const std::string*>> params = {
      {"rscc", &f.cacheControl},
      {"rscd", &f.contentDisposition},
      {"rsce", &f.contentEncoding},
      {"rscl", &f.contentLanguage},
      {"rsct", &f.contentType},
      {"sdd", &f.directoryDepth},
      {"se", &f.expiry},
      {"ses", &f.encryptionScope},
      {"si", &f.identifier},
      {"sig", &signature},
      {"sip", &f.ip},
      {"snapshot", &f.snapshotTime},
      {"sp", &f.permissions},
      {"spr", &f.protocol},
      {"sr", &f.resource},
      {"st", &f.start},
      {"sv", &f.version}};
  std::string out;
  for (const auto& [name, value] : params) {
    if (value->empty()) continue;
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(uriEncode(*value));
  }
  return out;
}

SignedSas signBlobUrl(const BlobSasInput& input) {
  const ParsedUrl endpoint = parseUrl(input.endpoint, "endpoint");
  if (!endpoint.query.empty()) throw invalid("endpoint", "must not have a query");
  if (input.blob.empty() && input.fields.resource != "c")
    throw invalid("blob", "required unless sr=c");

  SignedSas out;
  out.stringToSign = stringToSign(
      input.fields,
      canonicalizedResource(input.accountName, input.container, input.blob, input.fields.version));
  out.signature = signature(out.stringToSign, input.accountKey);
  out.token = token(input.fields, out.signature);

  std::string base = endpoint.scheme + "://" + endpoint.authority() + endpoint.path;
  if (base.back() == '/') base.pop_back();
  out.url = base + "/" + uriEncode(input.container);
  if (!input.blob.empty()) out.url += "/" + uriEncode(input.blob, true);
  out.url += "?" + out.token;
  return out;
}

}  // namespace assetd::sign::azure
