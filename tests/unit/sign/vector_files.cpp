#include "vector_files.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace assetd::sign::testing {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::filesystem::path vectorsDir() {
  return ASSETD_VECTORS_DIR;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string RequestText::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (lower(key) == lower(name)) return value;
  return "";
}

sigv4::Headers RequestText::headersWithout(std::string_view name) const {
  sigv4::Headers out;
  for (const auto& header : headers)
    if (lower(header.first) != lower(name)) out.push_back(header);
  return out;
}

RequestText parseRequestText(std::string_view text) {
  RequestText request;
  std::size_t pos = text.find('\n');
  const std::string_view requestLine = text.substr(0, pos);
  const std::size_t firstSpace = requestLine.find(' ');
  const std::size_t versionStart = requestLine.rfind(" HTTP/");
  request.method = std::string(requestLine.substr(0, firstSpace));
  const std::string_view target = requestLine.substr(firstSpace + 1, versionStart - firstSpace - 1);
  const std::size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));

  while (pos != std::string_view::npos) {
    const std::size_t start = pos + 1;
    pos = text.find('\n', start);
    const std::string_view line =
        text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
    if (line.empty()) {
      if (pos != std::string_view::npos) request.body = std::string(text.substr(pos + 1));
      break;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !request.headers.empty()) {
      // An obsolete line folding: the continuation joins the value with one space.
      request.headers.back().second += " " + std::string(trimBlanks(line));
      continue;
    }
    const std::size_t colon = line.find(':');
    request.headers.emplace_back(std::string(line.substr(0, colon)),
                                 std::string(line.substr(colon + 1)));
  }
  return request;
}

std::vector<std::string> caseDirectories(const std::filesystem::path& dir,
                                         std::string_view marker) {
  std::vector<std::string> cases;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (name.size() >= marker.size() && name.ends_with(marker))
      cases.push_back(std::filesystem::relative(entry.path().parent_path(), dir).string());
  }
  std::sort(cases.begin(), cases.end());
  cases.erase(std::unique(cases.begin(), cases.end()), cases.end());
  return cases;
}

std::string testName(std::string_view caseName) {
  std::string out;
  for (char c : caseName)
    out.push_back((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c
                                                                                             : '_');
  return out;
}

UrlParts splitUrl(std::string_view url) {
  UrlParts parts;
  const std::size_t hostStart = url.find("://") + 3;
  const std::size_t pathStart = url.find('/', hostStart);
  parts.host = std::string(url.substr(hostStart, pathStart - hostStart));
  const std::string_view rest = url.substr(pathStart);
  const std::size_t question = rest.find('?');
  parts.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) parts.query = std::string(rest.substr(question + 1));
  return parts;
}

}  // namespace assetd::sign::testing
