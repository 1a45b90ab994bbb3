#include "jobs/object_key.hpp"

namespace assetd::jobs {
namespace {

constexpr std::size_t kMaxFileNameBytes = 200;

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool keepsAsIs(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

std::string copyFileName(std::string_view url) {
  std::string_view path = url;
  if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
    path.remove_prefix(scheme + 3);
    auto slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  path = path.substr(0, path.find_first_of("?#"));
  std::string_view segment = path.substr(path.rfind('/') + 1);  // npos + 1 == 0

  std::string name;
  for (char c : percentDecode(segment)) {
    if (name.size() == kMaxFileNameBytes) break;
    name.push_back(keepsAsIs(c) ? c : '_');
  }
  if (!name.empty() && name.front() == '.') name.front() = '_';
  return name.empty() ? "file" : name;
}

std::string copyObjectKey(const core::CopyJob& job) {
  return "assets/" + job.organization + "/" + job.project + "/" + job.assetId + "/" +
         copyFileName(job.sourceUrl);
}

}  // namespace assetd::jobs
