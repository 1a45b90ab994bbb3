// POST /storages: which provider, which bucket, and the keys to sign with.
#include "api/storage_decode.hpp"

#include <algorithm>
#include <optional>

#include <boost/json/parse.hpp>

#include "api/json_input.hpp"
#include "core/error.hpp"
#include "sign/crypto.hpp"
#include "sign/url_codec.hpp"

namespace assetd::api {
namespace {

namespace json = boost::json;
using json_input::Path;
using Provider = sign::storage_urls::Provider;

constexpr std::size_t kMaxNameBytes = 256;
constexpr std::size_t kMaxKeyIdBytes = 256;
constexpr std::size_t kMaxSecretBytes = 4096;
constexpr std::size_t kMaxPemBytes = 16384;
constexpr std::size_t kMaxEndpointBytes = 2048;

bool isLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool isAlnum(char c) {
  return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
}
bool isControl(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

// Null reads as absent.
std::optional<std::string> optionalString(const json::object& o, std::string_view key,
                                          const Path& parent, std::size_t maxBytes) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return std::string(json_input::readString(*v, parent.field(key), maxBytes, false));
}

std::string canonicalProvider(std::string_view text, const Path& path) {
  std::string upper(text);
  for (char& c : upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (upper == "AWS" || upper == "S3") return "AWS";
  if (upper == "GCP" || upper == "GCS") return "GCP";
  if (upper == "AZURE") return "AZURE";
  path.fail("must be AWS, GCP or AZURE");
}

void checkPrintable(std::string_view value, const Path& path, bool allowSpace) {
  for (char c : value)
    if (isControl(c) || static_cast<unsigned char>(c) >= 0x80 || (!allowSpace && c == ' '))
      path.fail(allowSpace ? "must be printable ASCII" : "must be printable ASCII without spaces");
}

std::string checkKeyId(std::string value, const Path& path) {
  checkPrintable(value, path, false);
  if (value.find('/') != std::string::npos) path.fail("must not contain '/'");
  return value;
}

std::string checkSecret(std::string value, const Path& path) {
  checkPrintable(value, path, false);
  return value;
}

std::string checkRegion(std::string value, const Path& path) {
  if (value.size() > 64 || !std::all_of(value.begin(), value.end(),
                                        [](char c) { return isAlnum(c) || c == '-' || c == '_'; }))
    path.fail("must be at most 64 letters, digits, '-' or '_'");
  return value;
}

std::string checkEndpoint(std::string value, const std::string& provider, const Path& path) {
  if (value.size() > kMaxEndpointBytes) path.fail("must be at most 2048 bytes");
  sign::ParsedUrl url = sign::parseUrl(value, path.str());
  if (url.scheme != "http" && url.scheme != "https") path.fail("must be an http or https URL");
  if (!url.query.empty() || value.find('?') != std::string::npos)
    path.fail("must not have a query");
  while (url.path.size() > 1 && url.path.back() == '/') url.path.pop_back();
  if (provider == "GCP" && url.path != "/") path.fail("must be scheme://host[:port] for GCP");
  return url.scheme + "://" + url.authority() + (url.path == "/" ? "" : url.path);
}

// A storage account name: 3 to 24 lowercase letters and digits.
std::string checkAccountName(std::string value, const Path& path) {
  if (value.size() < 3 || value.size() > 24 ||
      !std::all_of(value.begin(), value.end(), isLowerAlnum))
    path.fail("must be an Azure storage account name (3 to 24 lowercase letters and digits)");
  return value;
}

std::string checkAccountKey(std::string value, const Path& path) {
  auto raw = sign::crypto::base64Decode(value);
  if (!raw || raw->empty()) path.fail("must be the base64 account key");
  return value;
}

// The service-account JSON of a Google Cloud key file; its other fields are Google's and kept
// out of the store.
void readServiceAccount(const json::object& o, const Path& path,
                        sign::storage_urls::Credentials& out) {
  auto email = optionalString(o, "client_email", path, kMaxNameBytes);
  if (!email) path.field("client_email").fail("required");
  checkPrintable(*email, path.field("client_email"), false);
  auto pem = optionalString(o, "private_key", path, kMaxPemBytes);
  if (!pem) path.field("private_key").fail("required");
  sign::crypto::RsaPrivateKey::fromPem(*pem, path.field("private_key").str());
  out.clientEmail = *email;
  out.privateKeyPem = *pem;
}

bool looksLikeServiceAccount(const json::object& o) {
  return o.contains("private_key") || o.contains("client_email") || o.contains("type");
}

// credentials: {accessKeyId, secretAccessKey, sessionToken?} (AWS, GCP HMAC), {accountName,
// accountKey} (Azure), or a service-account key (GCP).
void readCredentialsObject(const json::object& o, const std::string& provider, const Path& path,
                           sign::storage_urls::Credentials& out) {
  if (provider == "GCP" && looksLikeServiceAccount(o)) return readServiceAccount(o, path, out);
  const bool azure = provider == "AZURE";
  const std::string_view idKey = azure && o.contains("accountName") ? "accountName" : "accessKeyId";
  const std::string_view secretKey =
      azure && o.contains("accountKey") ? "accountKey" : "secretAccessKey";
  for (const auto& item : o) {
    std::string_view key = json_input::view(item.key());
    if (key != idKey && key != secretKey && !(provider == "AWS" && key == "sessionToken"))
      path.field(key).fail("unknown field");
  }
  auto id = optionalString(o, idKey, path, kMaxKeyIdBytes);
  if (!id) path.field(idKey).fail("required");
  auto secret = optionalString(o, secretKey, path, kMaxSecretBytes);
  if (!secret) path.field(secretKey).fail("required");
  out.accessKeyId = checkKeyId(*id, path.field(idKey));
  out.secretAccessKey = checkSecret(*secret, path.field(secretKey));
  if (auto token = optionalString(o, "sessionToken", path, kMaxSecretBytes))
    out.sessionToken = checkSecret(*token, path.field("sessionToken"));
  if (azure) {
    out.accessKeyId = checkAccountName(out.accessKeyId, path.field(idKey));
    checkAccountKey(out.secretAccessKey, path.field(secretKey));
  }
}

void readCredentials(const json::object& body, const std::string& provider, const Path& root,
                     sign::storage_urls::Credentials& out) {
  auto publicKey = optionalString(body, "publicKey", root, kMaxKeyIdBytes);
  auto privateKey = optionalString(body, "privateKey", root, kMaxSecretBytes);
  const json::value* credentials = body.if_contains("credentials");
  const bool hasCredentials = credentials != nullptr && !credentials->is_null();
  Path credentialsPath = root.field("credentials");
  if (hasCredentials && (publicKey || privateKey))
    credentialsPath.fail("give either publicKey and privateKey or credentials, not both");

  if (hasCredentials) {
    if (credentials->is_object())
      return readCredentialsObject(credentials->get_object(), provider, credentialsPath, out);
    if (!credentials->is_string()) credentialsPath.fail("must be an object or its JSON text");
    std::string_view text =
        json_input::readString(*credentials, credentialsPath, kMaxPemBytes, false);
    json_input::Document doc(text, credentialsPath.str());
    if (!doc.root().is_object()) credentialsPath.fail("must be an object or its JSON text");
    return readCredentialsObject(doc.root().get_object(), provider, credentialsPath, out);
  }

  if (!publicKey) root.field("publicKey").fail("required (or credentials)");
  if (!privateKey) root.field("privateKey").fail("required with publicKey");
  if (provider == "AZURE") {
    out.accessKeyId = checkAccountName(*publicKey, root.field("publicKey"));
    out.secretAccessKey = checkAccountKey(*privateKey, root.field("privateKey"));
  } else {
    out.accessKeyId = checkKeyId(*publicKey, root.field("publicKey"));
    out.secretAccessKey = checkSecret(*privateKey, root.field("privateKey"));
  }
}

}  // namespace

void checkBucketName(std::string_view bucket, const std::string& provider, bool customEndpoint,
                     const std::string& field) {
  auto fail = [&](const std::string& what) { throw core::ApiError::badRequest(field, what); };
  auto allOf = [&](auto pred) { return std::all_of(bucket.begin(), bucket.end(), pred); };
  const bool alnumEnds = !bucket.empty() && isAlnum(bucket.front()) && isAlnum(bucket.back());
  if (provider == "AZURE") {
    if (bucket.size() < 3 || bucket.size() > 63 || !alnumEnds ||
        !allOf([](char c) { return isLowerAlnum(c) || c == '-'; }) ||
        bucket.find("--") != std::string_view::npos)
      fail("must be an Azure container name (3 to 63 lowercase letters, digits and single '-')");
    return;
  }
  if (provider == "GCP") {
    if (bucket.size() < 3 || bucket.size() > 222 || !alnumEnds ||
        !allOf([](char c) { return isLowerAlnum(c) || c == '-' || c == '_' || c == '.'; }))
      fail("must be a GCS bucket name (3 to 222 lowercase letters, digits, '-', '_', '.')");
    return;
  }
  if (!customEndpoint) {
    if (bucket.size() < 3 || bucket.size() > 63 || !alnumEnds ||
        !allOf([](char c) { return isLowerAlnum(c) || c == '-' || c == '.'; }) ||
        bucket.find("..") != std::string_view::npos)
      fail("must be an S3 bucket name (3 to 63 lowercase letters, digits, '-', '.')");
    return;
  }
  if (bucket.empty() || bucket.size() > 255 || !isAlnum(bucket.front()) ||
      !allOf([](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; }) ||
      bucket.find("..") != std::string_view::npos)
    fail("must be 1 to 255 letters, digits, '-', '_' or '.', starting with a letter or digit");
}

DecodedStorage decodeStorage(std::string_view body) {
  json_input::Document doc(body, "body");
  const json::object& o = doc.rootObject();
  const Path root = Path::root();
  static constexpr std::string_view kKnown[] = {"name",      "provider",   "type",
                                                "bucket",    "region",     "endpoint",
                                                "publicKey", "privateKey", "credentials"};
  for (const auto& item : o) {
    std::string_view key = json_input::view(item.key());
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown))
      root.field(key).fail("unknown field");
  }

  DecodedStorage out;
  core::NewStorage& s = out.storage;
  auto name = optionalString(o, "name", root, kMaxNameBytes);
  if (!name) root.field("name").fail("required");
  for (char c : *name)
    if (isControl(c)) root.field("name").fail("must not contain control characters");
  s.name = *name;

  auto provider = optionalString(o, "provider", root, 16);
  auto type = optionalString(o, "type", root, 16);
  if (!provider && !type) root.field("provider").fail("required");
  if (provider) s.provider = canonicalProvider(*provider, root.field("provider"));
  if (type) {
    std::string fromType = canonicalProvider(*type, root.field("type"));
    if (provider && fromType != s.provider) root.field("type").fail("conflicts with provider");
    s.provider = fromType;
  }

  if (auto region = optionalString(o, "region", root, 64))
    s.region = checkRegion(*region, root.field("region"));
  if (auto endpoint = optionalString(o, "endpoint", root, kMaxEndpointBytes))
    s.endpoint = checkEndpoint(*endpoint, s.provider, root.field("endpoint"));
  if (auto bucket = optionalString(o, "bucket", root, 255)) {
    checkBucketName(*bucket, s.provider, !s.endpoint.empty(), "bucket");
    s.bucket = *bucket;
  }
  readCredentials(o, s.provider, root, out.credentials);
  return out;
}

Provider providerOf(const std::string& provider) {
  if (provider == "AWS") return Provider::Aws;
  if (provider == "GCP") return Provider::Gcp;
  if (provider == "AZURE") return Provider::Azure;
  throw core::ApiError::internal("storage with unknown provider " + provider);
}

}  // namespace assetd::api
