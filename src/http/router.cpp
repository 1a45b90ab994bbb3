#include "http/router.hpp"

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "http/query.hpp"

namespace assetd::http {
namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i)
    if (pattern[i] != "{}" && pattern[i] != path[i]) return false;
  return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  Route route{std::move(method), pattern, {}, std::move(handler)};
  for (auto segment : splitPath(pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

void Router::setFallback(Handler handler) {
  fallback_ = std::move(handler);
}

bool Router::matchesPath(std::string_view path) const {
  auto segments = splitPath(path);
  for (const auto& route : routes_)
    if (matches(route.segments, segments)) return true;
  return false;
}

Response Router::dispatch(Request& request) const {
  request.route = -1;
  try {
    auto segments = splitPath(request.path);
    bool pathMatched = false;
    for (std::size_t index = 0; index < routes_.size(); ++index) {
      const auto& route = routes_[index];
      if (!matches(route.segments, segments)) continue;
      pathMatched = true;
      if (route.method != request.method) continue;
      request.route = static_cast<int>(index);
      request.pathParams.clear();
      for (std::size_t i = 0; i < segments.size(); ++i)
        if (route.segments[i] == "{}")
          request.pathParams.push_back(percentDecode(segments[i], false));
      return route.handler(request);
    }
    if (pathMatched) return errorResponse(405, "method " + request.method + " not allowed here");
    if (fallback_) return fallback_(request);
    return errorResponse(404, "no route for " + request.method + " " + request.path);
  } catch (const core::ApiError& e) {
    // A 500's details (database or file system errors) go to the log, not to the client.
    if (e.status() >= 500) spdlog::error("{} {}: {}", request.method, request.path, e.logText());
    return errorResponse(e);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: unexpected error: {}", request.method, request.path, e.what());
    return errorResponse(500, "internal error");
  }
}

}  // namespace assetd::http
