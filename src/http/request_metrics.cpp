#include "http/request_metrics.hpp"

namespace assetd::http {

namespace {

constexpr const char* kRequests = "assetd_http_requests_total";
constexpr const char* kDuration = "assetd_http_request_duration_seconds";
// Requests no route names are counted by method, any other method as "other".
constexpr std::array<std::string_view, 8> kMethods{"GET",    "HEAD",  "POST",    "PUT",
                                                   "DELETE", "PATCH", "OPTIONS", "other"};

std::size_t methodSlot(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethods.size(); ++i)
    if (kMethods[i] == method) return i;
  return kMethods.size() - 1;
}

}  // namespace

RequestMetrics::RequestMetrics(const Router& router, metrics::Registry& registry)
    : registry_(registry), routes_(router.routeCount()) {
  for (std::size_t i = 0; i < routes_; ++i) {
    auto& s = series_.emplace_back();
    s.route = router.routePattern(i);
    s.method = router.routeMethod(i);
  }
  for (const char* kind : {"unmatched", "objects"}) {
    for (auto method : kMethods) {
      auto& s = series_.emplace_back();
      s.route = kind;
      s.method = method;
    }
  }
  registry_.collector(kRequests, "HTTP requests answered, by route template, method and status",
                      "counter", [this](std::string& out) {
                        for (const auto& s : series_) {
                          for (std::size_t status = 0; status < kStatuses; ++status) {
                            auto n = s.statuses[status].load(std::memory_order_relaxed);
                            if (n == 0) continue;
                            out += kRequests;
                            metrics::appendLabels(out, {{"route", s.route},
                                                        {"method", s.method},
                                                        {"status", std::to_string(status)}});
                            out += ' ' + std::to_string(n) + '\n';
                          }
                        }
                      });
  registry_.collector(kDuration,
                      "Seconds from a request's headers to the end of its answer, by route "
                      "template and method",
                      "histogram", [this](std::string& out) {
                        for (const auto& s : series_)
                          if (s.latency.count() > 0)
                            metrics::appendHistogram(out, kDuration,
                                                     {{"route", s.route}, {"method", s.method}},
                                                     s.latency);
                      });
}

RequestMetrics::~RequestMetrics() {
  registry_.collector(kRequests, "", "counter", nullptr);
  registry_.collector(kDuration, "", "histogram", nullptr);
}

RequestMetrics::Series& RequestMetrics::seriesOf(const Request& request, bool streamed) const {
  if (!streamed && request.route >= 0 && static_cast<std::size_t>(request.route) < routes_)
    return series_[static_cast<std::size_t>(request.route)];
  return series_[routes_ + (streamed ? kMethods.size() : 0) + methodSlot(request.method)];
}

std::string_view RequestMetrics::routeOf(const Request& request, bool streamed) const {
  return seriesOf(request, streamed).route;
}

void RequestMetrics::record(const Request& request, bool streamed, int status,
                            double seconds) const {
  auto& s = seriesOf(request, streamed);
  if (status >= 0 && status < static_cast<int>(kStatuses))
    s.statuses[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
  s.latency.observe(seconds);
}

}  // namespace assetd::http
