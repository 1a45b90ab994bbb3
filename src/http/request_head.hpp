#pragma once
// Internal to src/http: how the server reads a request's head before any handler sees it. The
// head parser gets the server's limits (64 KiB of headers, a Content-Length no larger than the
// largest body it takes), and a parsed head becomes a Beast-free Request.
#include <cstddef>

#include <boost/beast/http.hpp>

#include "http/message.hpp"
#include "http/server.hpp"

namespace assetd::http {

inline constexpr std::size_t kHeaderLimit = 64 * 1024;

using HeadParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;

// Sets the limits the server reads every request's head with.
void limitHead(HeadParser& parser, const ServerOptions& options);

// Method, path and raw query split at the first '?', header names lowercased.
Request requestOf(const boost::beast::http::request_header<>& header);

}  // namespace assetd::http
