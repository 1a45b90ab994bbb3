// POST Object: browser form uploads with a SigV4 POST policy. The form's fields come first and
// are read whole (s3::PostFormReader); the policy's signature, expiration and conditions are
// checked before the file is read; the file then streams to the store like a PutObject body,
// checked against the policy's content-length-range as it passes.
#include <optional>

#include "http/multipart.hpp"
#include "objects/object_call.hpp"
#include "s3/post_form.hpp"
#include "s3/post_policy.hpp"
#include "s3/s3_error.hpp"
#include "s3/s3_xml.hpp"
#include "s3/stored_headers.hpp"
#include "sign/crypto.hpp"

namespace assetd::objects {
namespace {

// The body may exceed the file by the fields, part headers and delimiters.
constexpr std::uint64_t kFormOverheadBytes = 1u << 20;

const std::string* field(const s3::post::Fields& fields, std::string_view name) {
  for (const auto& [n, value] : fields)
    if (n == name) return &value;
  return nullptr;
}

const std::string& required(const s3::post::Fields& fields, std::string_view name) {
  const std::string* value = field(fields, name);
  if (!value)
    throw s3::S3Error(400, "InvalidArgument",
                      "Bucket POST must contain a field named '" + std::string(name) +
                          "'.  If it is specified, please check the order of the fields.");
  return *value;
}

struct Credential {
  std::string accessKeyId;
  std::string date;
  std::string region;
};

// "<key id>/<YYYYMMDD>/<region>/s3/aws4_request"; the key id may itself hold '/'.
Credential parseCredential(std::string_view text) {
  std::vector<std::string_view> parts;
  for (int i = 0; i < 4; ++i) {
    std::size_t slash = text.rfind('/');
    if (slash == std::string_view::npos) break;
    parts.push_back(text.substr(slash + 1));
    text = text.substr(0, slash);
  }
  if (parts.size() != 4 || text.empty() || parts[0] != "aws4_request" || parts[1] != "s3" ||
      parts[2].empty() || parts[3].size() != 8)
    throw s3::S3Error(400, "InvalidArgument",
                      "Invalid credential in x-amz-credential: expected "
                      "<key id>/<YYYYMMDD>/<region>/s3/aws4_request.");
  return {std::string(text), std::string(parts[3]), std::string(parts[2])};
}

// Checks the policy's signature with the server's key pair; counts failures against the
// client's address.
void authenticate(S3Call& call, const s3::post::Fields& fields) {
  if (field(fields, "awsaccesskeyid") || field(fields, "signature"))
    throw s3::S3Error(400, "InvalidRequest",
                      "The authorization mechanism you have provided is not supported. Please use "
                      "AWS4-HMAC-SHA256.");
  const std::string& policy = required(fields, "policy");
  const std::string& algorithm = required(fields, "x-amz-algorithm");
  const std::string& credentialText = required(fields, "x-amz-credential");
  const std::string& amzDate = required(fields, "x-amz-date");
  const std::string& signature = required(fields, "x-amz-signature");
  if (algorithm != sign::sigv4::kAlgorithm)
    throw s3::S3Error(400, "InvalidArgument",
                      "The x-amz-algorithm field must be AWS4-HMAC-SHA256.");
  Credential credential = parseCredential(credentialText);
  auto signedAt = sign::sigv4::parseAmzDate(amzDate);
  if (!signedAt || amzDate.substr(0, 8) != credential.date)
    throw s3::S3Error(400, "InvalidArgument",
                      "The x-amz-date field must be YYYYMMDDTHHMMSSZ on the credential's date.");

  auto* limits = call.config.limits;
  const sign::sigv4::Credentials& own = call.config.credentials;
  auto fail = [&](int status, const char* code, const char* message) {
    if (limits) slowDownIf(limits->noteAuthFailure(call.request.remoteAddress));
    throw s3::S3Error(status, code, message);
  };
  if (own.accessKeyId.empty() || credential.accessKeyId != own.accessKeyId)
    fail(403, "InvalidAccessKeyId",
         "The AWS Access Key Id you provided does not exist in our records.");
  std::string expected = s3::post::policySignature(own.secretAccessKey, credential.date,
                                                   credential.region, "s3", policy);
  if (!sign::crypto::constantTimeEquals(expected, signature))
    fail(403, "SignatureDoesNotMatch",
         "The request signature we calculated does not match the signature you provided. Check "
         "your key and signing method.");
}

// The file as the store reads it: EntityTooLarge as soon as it passes the policy's (or the
// endpoint's) maximum, EntityTooSmall at its end if it is short of the minimum.
s3::ReadFn checkedFile(s3::PostFormReader& form, s3::post::LengthRange range,
                       std::uint64_t maxObjectBytes) {
  std::uint64_t max = std::min(range.max, maxObjectBytes);
  return [&form, range, max, received = std::uint64_t{0}](char* buffer, std::size_t n) mutable {
    std::size_t got = form.readFile(buffer, n);
    received += got;
    if (received > max) throw entityTooLarge();
    if (got == 0 && n > 0 && received < range.min)
      throw s3::S3Error(400, "EntityTooSmall",
                        "Your proposed upload is smaller than the minimum allowed size");
    return got;
  };
}

std::string queryValue(std::string_view text) {
  return sign::uriEncode(text);
}

// success_action_redirect: only absolute http and https URLs count; anything else is ignored,
// as S3 ignores it.
std::optional<std::string> redirectTarget(const s3::post::Fields& fields, const std::string& bucket,
                                          const std::string& key, const std::string& etag) {
  const std::string* url = field(fields, "success_action_redirect");
  if (!url) url = field(fields, "redirect");
  if (!url || !(url->starts_with("http://") || url->starts_with("https://"))) return std::nullopt;
  for (char c : *url)
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) return std::nullopt;
  std::string out = *url;
  std::string fragment;
  if (std::size_t hash = out.find('#'); hash != std::string::npos) {
    fragment = out.substr(hash);
    out.resize(hash);
  }
  try {
    if (sign::parseUrl(out).host.empty()) return std::nullopt;
  } catch (const core::ApiError&) {
    return std::nullopt;
  }
  out += out.find('?') == std::string::npos ? '?' : '&';
  out += "bucket=" + queryValue(bucket) + "&key=" + queryValue(key) + "&etag=" + queryValue(etag) +
         fragment;
  return out;
}

}  // namespace

void postObject(S3Call& call) {
  auto* limits = call.config.limits;
  if (limits) slowDownIf(limits->admitAddress(call.request.remoteAddress));
  std::string boundary = *http::multipartBoundary(call.request.header("content-type"));
  std::uint64_t maxBody = call.config.maxObjectBytes + kFormOverheadBytes;
  if (auto length = call.exchange.contentLength(); length && *length > maxBody)
    throw entityTooLarge();
  s3::ReadFn raw = call.rawBody();
  s3::PostFormReader form(
      [raw, maxBody, received = std::uint64_t{0}](char* buffer, std::size_t n) mutable {
        std::size_t got = raw(buffer, n);
        received += got;
        if (received > maxBody) throw entityTooLarge();
        return got;
      },
      boundary);
  s3::PostFormReader::Head head = form.readHead();
  s3::post::Fields fields = std::move(head.fields);

  authenticate(call, fields);
  s3::post::Policy policy = s3::post::decodePolicy(*field(fields, "policy"));
  const std::string& keyTemplate = required(fields, "key");
  call.key = s3::post::substituteFilename(keyTemplate, head.filename);
  s3::post::Fields checked = fields;
  for (auto& [name, value] : checked)
    if (name == "key") value = call.key;
  s3::post::LengthRange range =
      s3::post::checkPolicy(policy, checked, call.bucket, call.nowSeconds() * 1000);
  if (call.key.empty())
    throw s3::S3Error(400, "InvalidArgument", "User key must have a length greater than 0.");
  blob::checkObjectKey(call.key);
  refuseUnsupportedFields(fields);

  std::vector<std::pair<std::string, std::string>> headerFields;
  std::string contentType;
  for (const auto& [name, value] : fields) {
    if (name == "content-type") contentType = value;
    if (name == "cache-control" || name == "content-disposition" || name == "content-encoding" ||
        name == "content-language" || name == "expires" || name.starts_with("x-amz-meta-"))
      headerFields.emplace_back(name, value);
  }
  s3::StoredHeaders kept = s3::storedHeadersOf(headerFields);

  blob::ObjectInfo info =
      call.store.putStream(call.key, checkedFile(form, range, call.config.maxObjectBytes),
                           std::nullopt, contentType, {}, kept);

  std::string location = call.config.publicUrl + "/" + call.bucket + "/" +
                         sign::uriEncode(call.key, /*keepSlash=*/true);
  HeaderList extra = {{"ETag", info.etag}, {"Location", location}};
  if (auto redirect = redirectTarget(fields, call.bucket, call.key, info.etag)) {
    extra.back().second = *redirect;
    return call.sendEmpty(303, std::move(extra));
  }
  const std::string* status = field(fields, "success_action_status");
  if (status && *status == "201")
    return call.sendXml(201, s3::s3xml::postResponse(location, call.bucket, call.key, info.etag),
                        std::move(extra));
  call.sendEmpty(status && *status == "200" ? 200 : 204, std::move(extra));
}

}  // namespace assetd::objects
