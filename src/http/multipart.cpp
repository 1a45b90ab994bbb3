#include "http/multipart.hpp"

#include <utility>

#include "core/error.hpp"
#include "http/header_parameters.hpp"

namespace assetd::http {
namespace {

// RFC 2046 caps a boundary at 70 characters.
constexpr std::size_t kMaxBoundary = 70;

[[noreturn]] void malformed(const std::string& why) {
  throw core::ApiError::badRequest("body", "malformed multipart: " + why);
}

bool isBlank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && isBlank(s.back())) s.remove_suffix(1);
  return s;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// A delimiter line: "--boundary" at the start of a line, then "--" (the closing delimiter) or
// optional blanks and a line break.
struct Delimiter {
  std::size_t pos = 0;   // where "--boundary" starts
  std::size_t next = 0;  // just past the line break (unused for the closing delimiter)
  bool closing = false;
};

// The first delimiter line at or after `from`. Candidates that turn out to be content (not at a
// line start, or followed by other text) are skipped, so the scan stays linear.
std::optional<Delimiter> findDelimiter(std::string_view body, std::string_view dashBoundary,
                                       std::size_t from) {
  for (std::size_t pos = body.find(dashBoundary, from); pos != std::string_view::npos;
       pos = body.find(dashBoundary, pos + 1)) {
    if (pos != 0 && body[pos - 1] != '\n') continue;
    std::size_t after = pos + dashBoundary.size();
    if (body.substr(after, 2) == "--") return Delimiter{pos, after + 2, true};
    while (after < body.size() && isBlank(body[after])) ++after;
    if (after < body.size() && body[after] == '\n') return Delimiter{pos, after + 1, false};
    if (body.substr(after, 2) == "\r\n") return Delimiter{pos, after + 2, false};
  }
  return std::nullopt;
}

void applyDisposition(Part& part, bool& named, std::string_view value, const std::string& where) {
  const std::size_t semicolon = value.find(';');
  if (semicolon == std::string_view::npos) return;
  auto params = parseHeaderParameters(value.substr(semicolon + 1));
  if (!params) malformed(where + "unterminated quoted string in Content-Disposition");
  for (auto& [name, text] : *params) {
    if (name == "name") {
      part.name = std::move(text);
      named = true;
    } else if (name == "filename") {
      part.filename = std::move(text);
    }
  }
}

// Reads the headers of a part starting at `pos`; returns the offset just past the blank line.
std::size_t parseHeaders(std::string_view body, std::size_t pos, std::string_view dashBoundary,
                         Part& part, const std::string& where) {
  bool named = false;
  for (;;) {
    const std::size_t newline = body.find('\n', pos);
    if (newline == std::string_view::npos) malformed(where + "missing blank line after headers");
    std::string_view line = body.substr(pos, newline - pos);
    pos = newline + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line.substr(0, dashBoundary.size()) == dashBoundary)
      malformed(where + "missing blank line after headers");
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) malformed(where + "header line without ':'");
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Content-Disposition")) {
      applyDisposition(part, named, value, where);
    } else if (iequals(name, "Content-Type")) {
      part.contentType = value;
    }
  }
  if (!named) malformed(where + "Content-Disposition has no name");
  return pos;
}

}  // namespace

std::optional<std::string> multipartBoundary(std::string_view contentType) {
  const std::size_t semicolon = contentType.find(';');
  if (!iequals(trim(contentType.substr(0, semicolon)), "multipart/form-data")) return std::nullopt;
  if (semicolon == std::string_view::npos) return std::nullopt;
  auto params = parseHeaderParameters(contentType.substr(semicolon + 1));
  if (!params) return std::nullopt;
  for (auto& [name, value] : *params)
    if (name == "boundary" && !value.empty()) return std::move(value);
  return std::nullopt;
}

std::vector<Part> parseMultipart(std::string_view body, std::string_view boundary) {
  if (boundary.empty()) malformed("empty boundary");
  if (boundary.size() > kMaxBoundary) malformed("boundary longer than 70 characters");
  const std::string dashBoundary = "--" + std::string(boundary);

  auto delimiter = findDelimiter(body, dashBoundary, 0);
  if (!delimiter) malformed("no opening boundary");
  std::vector<Part> parts;
  while (!delimiter->closing) {
    const std::string where = "part " + std::to_string(parts.size() + 1) + ": ";
    Part part;
    const std::size_t bodyStart = parseHeaders(body, delimiter->next, dashBoundary, part, where);
    delimiter = findDelimiter(body, dashBoundary, bodyStart);
    if (!delimiter) malformed("no closing boundary");
    // The line break before a delimiter belongs to the delimiter, not to the body.
    std::size_t bodyEnd = delimiter->pos;
    if (bodyEnd > bodyStart && body[bodyEnd - 1] == '\n') --bodyEnd;
    if (bodyEnd > bodyStart && body[bodyEnd - 1] == '\r') --bodyEnd;
    part.body = body.substr(bodyStart, bodyEnd - bodyStart);
    parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace assetd::http
