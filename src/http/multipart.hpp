#pragma once
// multipart/form-data (RFC 7578) bodies.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace assetd::http {

struct Part {
  std::string name;
  std::optional<std::string> filename;
  std::string contentType;  // "" when the part has none
  std::string body;
};

// The boundary parameter of a multipart Content-Type header, unquoted; nullopt if the header
// is not multipart/form-data or has no boundary.
std::optional<std::string> multipartBoundary(std::string_view contentType);
// Throws core::ApiError 400 ("body: malformed multipart: ...") on a malformed body.
std::vector<Part> parseMultipart(std::string_view body, std::string_view boundary);

}  // namespace assetd::http
