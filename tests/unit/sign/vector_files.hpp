#pragma once
// Reading the published signing test vectors under tests/data/vectors.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sign/sigv4.hpp"

namespace assetd::sign::testing {

std::filesystem::path vectorsDir();

// The whole file; fails the current test (and returns "") if it cannot be read.
std::string readFile(const std::filesystem::path& path);

// A raw HTTP/1.1 request as the vector files write it: request line, header lines (a line that
// starts with a blank continues the previous header), an empty line, the body.
struct RequestText {
  std::string method;
  std::string path;   // raw, may hold spaces or UTF-8 as the file has them
  std::string query;  // raw, without '?'
  sigv4::Headers headers;
  std::string body;

  // The value of the first header named `name` (any case), or "".
  std::string header(std::string_view name) const;
  // The headers without the ones named `name`.
  sigv4::Headers headersWithout(std::string_view name) const;
};
RequestText parseRequestText(std::string_view text);

// Sorted subdirectories of `dir` that contain a file ending in `marker`, searched recursively;
// returned relative to `dir`.
std::vector<std::string> caseDirectories(const std::filesystem::path& dir, std::string_view marker);

// "get-vanilla/x" -> "get_vanilla_x", usable as a GoogleTest parameter name.
std::string testName(std::string_view caseName);

// Splits a URL into path and raw query for feeding it back to verify().
struct UrlParts {
  std::string host;  // host[:port]
  std::string path;
  std::string query;
};
UrlParts splitUrl(std::string_view url);

}  // namespace assetd::sign::testing
