#include "http/request_head.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace assetd::http {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

void limitHead(HeadParser& parser, const ServerOptions& options) {
  parser.header_limit(kHeaderLimit);
  parser.body_limit(std::max<std::uint64_t>(options.maxBodyBytes, options.maxObjectBytes));
}

Request requestOf(const boost::beast::http::request_header<>& header) {
  Request request;
  request.method = std::string(header.method_string());
  std::string_view target = header.target();
  if (auto q = target.find('?'); q != std::string_view::npos) {
    request.path = std::string(target.substr(0, q));
    request.rawQuery = std::string(target.substr(q + 1));
  } else {
    request.path = std::string(target);
  }
  request.headers.reserve(16);
  for (const auto& field : header)
    request.headers.emplace_back(lowercase(field.name_string()), std::string(field.value()));
  return request;
}

}  // namespace assetd::http
