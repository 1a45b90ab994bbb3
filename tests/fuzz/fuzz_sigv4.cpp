// SigV4 authentication of the built-in S3 endpoint: query (presigned) and Authorization-header
// auth parsed and verified against one fixed key pair. Besides requests exactly as given, the
// target signs a request of its own from the input (header auth or a presigned URL) and requires
// that it verifies: what the signers produce, the verifier must accept.
#include <algorithm>
#include <cstdio>
#include <string>

#include "fuzz_input.hpp"
#include "sign/sigv4.hpp"
#include "sign/url_codec.hpp"

using namespace assetd;
namespace sigv4 = sign::sigv4;

namespace {

constexpr std::int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z
const sigv4::Credentials kKeys{"AKIDFUZZ", "fuzz-secret-key", ""};

std::optional<std::string> secretOf(std::string_view accessKeyId) {
  if (accessKeyId == kKeys.accessKeyId) return kKeys.secretAccessKey;
  return std::nullopt;
}

sigv4::VerifyResult verify(std::string_view method, std::string_view path, std::string_view query,
                           const sigv4::Headers& headers, std::uint8_t flags) {
  sigv4::VerifyOptions options;
  if (flags & 1) options.region = "us-east-1";
  if (flags & 2) options.uri = sigv4::UriRules::otherServices();
  return sigv4::verify({method, path, query, headers}, secretOf, kNow, options);
}

// Header names as HTTP allows them (tokens), which is all a server passes on.
bool isToken(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

// Whether the query carries parameters of query auth itself (then it is not a plain request).
bool hasAuthParams(std::string_view query) {
  for (const auto& [name, value] : sign::parseQuery(query))
    if (name.starts_with("X-Amz-")) return true;
  return false;
}

// The headers the auth protocol itself gives a meaning to, which the signers set themselves.
bool isAuthHeader(std::string_view name) {
  return name == "host" || name == "authorization" || name == "x-amz-date" ||
         name == "x-amz-content-sha256" || name == "x-amz-security-token";
}

// A request the target signed must verify, unless its query holds auth parameters itself.
void requireVerifies(const sigv4::VerifyResult& result, std::string_view query) {
  if (!result.ok() && !hasAuthParams(query)) {
    std::fprintf(stderr, "signed request refused: %s\n", result.message.c_str());
    fuzz::require(false);
  }
}

void signAndVerify(std::string_view method, std::string_view path, std::string_view query,
                   sigv4::Headers headers, bool presigned) {
  std::erase_if(headers, [](const auto& h) { return !isToken(h.first) || isAuthHeader(h.first); });
  std::string url = "http://127.0.0.1:9000" + std::string(path);
  if (!query.empty()) url += "?" + std::string(query);
  sign::ParsedUrl parsed = sign::parseUrl(url);
  sigv4::Headers sent;
  if (presigned) {
    sigv4::PresignInput input;
    input.method = std::string(method);
    input.url = url;
    input.credentials = kKeys;
    input.time = kNow - 10;
    input.headers = headers;
    sigv4::Presigned out = sigv4::presign(input);
    sign::ParsedUrl signedUrl = sign::parseUrl(out.url);
    sent = headers;
    sent.emplace_back("host", parsed.hostHeader());
    requireVerifies(verify(method, signedUrl.path, signedUrl.query, sent, 0), query);
    return;
  }
  sigv4::HeaderSignInput input;
  input.method = std::string(method);
  input.url = url;
  input.headers = headers;
  input.credentials = kKeys;
  input.time = kNow - 10;
  sigv4::HeaderSignature out = sigv4::signHeaders(input);
  sent = headers;
  for (auto [name, value] : out.headers) {
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    sent.emplace_back(std::move(name), std::move(value));
  }
  requireVerifies(verify(method, parsed.path, parsed.query, sent, 0), parsed.query);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::string_view kMethods[] = {"GET", "PUT", "POST", "DELETE", "HEAD"};
  fuzz::Input in(data, size);
  std::uint8_t mode = in.byte();
  std::string_view method = kMethods[(mode >> 2) % std::size(kMethods)];
  std::string_view path = in.field();
  std::string_view query = in.field();
  sigv4::Headers headers = fuzz::headerLines(in.rest());
  switch (mode % 3) {
    case 0: {
      auto result = verify(method, path, query, headers, mode >> 5);
      fuzz::require(!result.ok() || result.accessKeyId == kKeys.accessKeyId);
      break;
    }
    case 1:
      fuzz::rejecting([&] { signAndVerify(method, path, query, headers, false); });
      break;
    default:
      fuzz::rejecting([&] { signAndVerify(method, path, query, headers, true); });
      break;
  }
  return 0;
}
