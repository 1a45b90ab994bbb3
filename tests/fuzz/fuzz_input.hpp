#pragma once
// What the fuzz targets share: the input read as a few fields, and the one kind of exception a
// parser of outside input may throw by contract (core::ApiError, s3::S3Error included). Any other
// exception escapes the target, and libFuzzer reports it as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace assetd::fuzz {

// The bytes of one input, consumed from the front.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // The next byte, 0 once the input is used up.
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // The bytes up to the next NUL (which is consumed), or all that is left.
  std::string_view field() {
    std::size_t end = rest_.find('\0');
    std::string_view out = rest_.substr(0, end);
    rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
    return out;
  }
  std::string_view rest() {
    std::string_view out = rest_;
    rest_ = {};
    return out;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// "name: value" lines (LF or CRLF), names lowercased as the server stores them.
inline std::vector<std::pair<std::string, std::string>> headerLines(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out.emplace_back(std::move(name), std::string(value));
  }
  return out;
}

// A property every input must keep; a violation is a finding.
inline void require(bool holds) {
  if (!holds) __builtin_trap();
}

// Runs `parse`; a core::ApiError 4xx is the contracted answer to malformed input (a 5xx would
// blame the server for what a client sent, and is a finding).
template <class F>
void rejecting(F&& parse) {
  try {
    parse();
  } catch (const core::ApiError& e) {
    if (e.status() < 400 || e.status() >= 500) {
      std::fprintf(stderr, "refused with %d: %s\n", e.status(), e.what());
      require(false);
    }
  }
}

}  // namespace assetd::fuzz
