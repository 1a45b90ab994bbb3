#include "jobs/source_target.hpp"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "jobs/copy_failure.hpp"

namespace assetd::jobs {
namespace {

struct UrlHandle {
  UrlHandle() : h(curl_url()) {
    if (h == nullptr) throw CopyFailure(true, "out of memory parsing the URL");
  }
  ~UrlHandle() { curl_url_cleanup(h); }
  UrlHandle(const UrlHandle&) = delete;
  UrlHandle& operator=(const UrlHandle&) = delete;

  std::optional<std::string> get(CURLUPart part, unsigned flags = 0) const {
    char* value = nullptr;
    if (curl_url_get(h, part, &value, flags) != CURLUE_OK) return std::nullopt;
    std::string out(value);
    curl_free(value);
    return out;
  }

  CURLU* h;
};

// Storage services' own schemes: their objects are read with the storage's credentials.
bool isStorageScheme(const std::string& scheme) {
  return scheme == "s3" || scheme == "gs" || scheme == "gcs" || scheme == "az" ||
         scheme == "azure" || scheme == "wasb" || scheme == "wasbs";
}

std::vector<IpAddress> resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) throw CopyFailure(true, "cannot resolve host " + host + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
  std::vector<IpAddress> addresses;
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    auto ip = IpAddress::fromSockaddr(ai->ai_addr);
    if (ip && std::find_if(addresses.begin(), addresses.end(), [&](const IpAddress& a) {
                return a.v6 == ip->v6 && a.bytes == ip->bytes;
              }) == addresses.end())
      addresses.push_back(*ip);
  }
  if (addresses.empty()) throw CopyFailure(true, "host " + host + " has no IP address");
  return addresses;
}

}  // namespace

SourceTarget checkSourceTarget(const std::string& url, const AddressPolicy& policy) {
  UrlHandle parsed;
  if (curl_url_set(parsed.h, CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    throw CopyFailure(false, "not a valid URL: " + url);
  std::string scheme = parsed.get(CURLUPART_SCHEME).value_or("");
  if (isStorageScheme(scheme))
    throw CopyFailure(false, scheme +
                                 ":// URLs are read with a storage integration's credentials;"
                                 " background copies fetch only http and https URLs");
  if (scheme != "http" && scheme != "https")
    throw CopyFailure(false, "only http and https URLs can be copied, not " + scheme + "://");

  SourceTarget target;
  target.url = parsed.get(CURLUPART_URL).value_or(url);
  target.host = parsed.get(CURLUPART_HOST).value_or("");
  if (target.host.size() >= 2 && target.host.front() == '[' && target.host.back() == ']')
    target.host = target.host.substr(1, target.host.size() - 2);
  if (target.host.empty()) throw CopyFailure(false, "URL has no host: " + url);
  target.port = std::stol(parsed.get(CURLUPART_PORT, CURLU_DEFAULT_PORT).value_or("0"));

  if (auto literal = IpAddress::parse(target.host)) {
    target.hostIsAddress = true;
    target.addresses = {*literal};
  } else {
    target.addresses = resolve(target.host);
  }
  for (const auto& address : target.addresses) {
    if (auto why = policy.refusal(address)) {
      std::string where = target.hostIsAddress ? "" : " (" + target.host + " resolves to it)";
      throw CopyFailure(false, "refused to connect: " + *why + where +
                                   "; --copy-allow can permit such addresses");
    }
  }
  return target;
}

std::string redirectTarget(const std::string& base, const std::string& location) {
  UrlHandle url;
  if (curl_url_set(url.h, CURLUPART_URL, base.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
      curl_url_set(url.h, CURLUPART_URL, location.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    throw CopyFailure(false, "the source redirected to an invalid URL: " + location);
  auto absolute = url.get(CURLUPART_URL);
  if (!absolute) throw CopyFailure(false, "the source redirected to an invalid URL: " + location);
  return *absolute;
}

std::string pinnedResolveEntry(const SourceTarget& target) {
  std::string entry = target.host + ":" + std::to_string(target.port) + ":";
  for (std::size_t i = 0; i < target.addresses.size(); ++i) {
    if (i) entry += ",";
    const auto& a = target.addresses[i];
    entry += a.v6 ? "[" + a.toString() + "]" : a.toString();
  }
  return entry;
}

}  // namespace assetd::jobs
