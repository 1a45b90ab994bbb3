// Parsing of "s3://BUCKET?..." locations (see s3_blob_store.hpp).
#include <charconv>

#include "blob/s3_blob_store.hpp"
#include "core/error.hpp"
#include "sign/url_codec.hpp"

namespace assetd::blob {
namespace {

constexpr std::string_view kScheme = "s3://";

core::ApiError bad(const std::string& part, const std::string& what) {
  return core::ApiError::badRequest(part.empty() ? "blob" : "blob." + part, what);
}

bool parseBool(const std::string& name, const std::string& value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  throw bad(name, "must be true or false");
}

std::uint64_t parseBytes(const std::string& name, const std::string& value, std::uint64_t least,
                         std::uint64_t most) {
  std::uint64_t out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || out < least ||
      out > most)
    throw bad(name,
              "must be a byte count from " + std::to_string(least) + " to " + std::to_string(most));
  return out;
}

// S3's rules for names usable in both addressing styles: 3-63 of [a-z0-9.-], starting and ending
// with a letter or digit.
void checkBucketName(const std::string& bucket) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok =
      bucket.size() >= 3 && bucket.size() <= 63 && alnum(bucket.front()) && alnum(bucket.back());
  for (char c : bucket) ok = ok && (alnum(c) || c == '-' || c == '.');
  if (!ok)
    throw bad("bucket", "'" + bucket +
                            "' is not a bucket name: 3 to 63 of a-z, 0-9, '.' and '-', starting "
                            "and ending with a letter or digit");
}

}  // namespace

S3Config parseS3Location(std::string_view location) {
  if (!location.starts_with(kScheme))
    throw bad("", "must be 'local' or s3://BUCKET?endpoint=...&region=...&path_style=...");
  location.remove_prefix(kScheme.size());
  const std::size_t question = location.find('?');
  S3Config config;
  config.bucket = std::string(location.substr(0, question));
  checkBucketName(config.bucket);

  bool endpointGiven = false;
  bool pathStyleGiven = false;
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : location.substr(question + 1);
  // Split by hand rather than through parseQuery: an endpoint URL written unencoded
  // ("endpoint=http://host:port") is the common case and must survive as it is.
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    const std::string name = sign::percentDecode(pair.substr(0, equals));
    const std::string value =
        equals == std::string_view::npos ? "" : sign::percentDecode(pair.substr(equals + 1));
    if (name == "endpoint") {
      const sign::ParsedUrl url = sign::parseUrl(value, "blob.endpoint");
      if (url.scheme != "http" && url.scheme != "https")
        throw bad("endpoint", "must be an http:// or https:// URL");
      if (!url.query.empty()) throw bad("endpoint", "must not have a query");
      config.endpoint = value;
      while (config.endpoint.ends_with('/')) config.endpoint.pop_back();
      endpointGiven = true;
    } else if (name == "region") {
      if (value.empty() || value.find_first_of("/ ") != std::string::npos)
        throw bad("region", "must be a region name such as us-east-1");
      config.region = value;
    } else if (name == "path_style") {
      config.pathStyle = parseBool(name, value);
      pathStyleGiven = true;
    } else if (name == "sign_payload") {
      config.signPayload = parseBool(name, value);
    } else if (name == "multipart_threshold") {
      config.multipartThreshold = parseBytes(name, value, 1, kS3MaxPutSize);
    } else if (name == "part_size") {
      config.partSize = parseBytes(name, value, kS3MinPartSize, kS3MaxPutSize);
    } else {
      throw bad(name,
                "unknown parameter (known: endpoint, region, path_style, sign_payload, "
                "multipart_threshold, part_size)");
    }
  }
  if (!endpointGiven) config.endpoint = "https://s3." + config.region + ".amazonaws.com";
  // AWS prefers virtual-hosted names; self-hosted services are usually reached path-style.
  if (!pathStyleGiven) config.pathStyle = endpointGiven;
  if (!config.pathStyle && config.bucket.find('.') != std::string::npos &&
      config.endpoint.starts_with("https://"))
    throw bad("path_style", "a bucket name with '.' needs path_style=true over https");
  return config;
}

}  // namespace assetd::blob
