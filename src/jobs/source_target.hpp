#pragma once
// The first half of the SSRF guard: a source URL is parsed the way libcurl will use it, its
// host resolved here, and every address checked against the policy before any connection.
// The transfer then connects only to these addresses (see source_fetch.cpp), so a DNS answer
// that changes between the check and the connection cannot bypass it.
#include <string>
#include <vector>

#include "jobs/address_policy.hpp"

namespace assetd::jobs {

struct SourceTarget {
  std::string url;   // normalized by libcurl's URL parser
  std::string host;  // without brackets
  bool hostIsAddress = false;
  long port = 0;
  std::vector<IpAddress> addresses;  // every address the host resolved to, all allowed
};

// Throws CopyFailure: permanent for a malformed URL, a scheme other than http/https, or a
// refused address (naming it and its range); retryable when the host does not resolve.
SourceTarget checkSourceTarget(const std::string& url, const AddressPolicy& policy);

// The absolute URL a redirect's Location names, relative to `base`. Throws CopyFailure
// (permanent) when it is not a URL.
std::string redirectTarget(const std::string& base, const std::string& location);

// "host:port:addr[,addr...]" for CURLOPT_RESOLVE (IPv6 addresses in brackets).
std::string pinnedResolveEntry(const SourceTarget& target);

}  // namespace assetd::jobs
