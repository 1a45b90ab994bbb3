#pragma once
// Request counts by route template, method and status, and latency histograms by route
// template and method: assetd_http_requests_total and assetd_http_request_duration_seconds.
// Every series is made up front from the router's routes, so recording is an index and two
// relaxed atomic increments (no lock, no string work). Thread-safe.
#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "http/router.hpp"
#include "metrics/registry.hpp"

namespace assetd::http {

class RequestMetrics {
 public:
  // Series for every route of `router` (whose routes must all be added by now), for requests
  // no route matched and for streamed requests (route "unmatched" and "objects", by method).
  // Renders through collectors of `registry` until destroyed.
  RequestMetrics(const Router& router, metrics::Registry& registry);
  ~RequestMetrics();
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  // The route template a request is counted under (request.route set by the router).
  std::string_view routeOf(const Request& request, bool streamed) const;
  void record(const Request& request, bool streamed, int status, double seconds) const;

 private:
  static constexpr std::size_t kStatuses = 600;
  struct Series {
    std::string route, method;
    std::array<std::atomic<std::uint64_t>, kStatuses> statuses{};
    metrics::Histogram latency{metrics::Histogram::latencyBuckets()};
  };
  Series& seriesOf(const Request& request, bool streamed) const;
  metrics::Registry& registry_;
  std::size_t routes_;
  mutable std::deque<Series> series_;  // counted into by const record()
};

}  // namespace assetd::http
