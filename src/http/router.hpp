#pragma once
// Maps a method and a path pattern ("/v2/project/{}/assets") to a handler. Knows no resource.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace assetd::http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  // `pattern` segments written "{}" match any one non-empty segment and are passed in
  // request.pathParams. A trailing slash on the request path is ignored.
  void add(std::string method, std::string pattern, Handler handler);
  // Requests whose path matches no pattern go here (default: a 404 JSON error).
  void setFallback(Handler handler);
  // Runs the handler; core::ApiError and any other exception become JSON error responses
  // (with Retry-After when the error names one). A path that matches with another method
  // answers 405. Sets request.route to the matched route's index (-1 for none).
  Response dispatch(Request& request) const;
  // Whether some route's pattern matches `path`, whatever its method.
  bool matchesPath(std::string_view path) const;

  // The routes in the order added: index → method and pattern, exactly as given to add() (for
  // per-route metrics). Every route a client can reach is listed here (the OpenAPI document is
  // checked against this list).
  std::size_t routeCount() const { return routes_.size(); }
  const std::string& routeMethod(std::size_t i) const { return routes_[i].method; }
  const std::string& routePattern(std::size_t i) const { return routes_[i].pattern; }

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace assetd::http
