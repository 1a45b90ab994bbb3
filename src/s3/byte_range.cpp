#include "s3/byte_range.hpp"

#include <charconv>
#include <optional>
#include <string>

#include "s3/s3_error.hpp"

namespace assetd::s3 {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Digits only (no sign, no blanks), fitting in 64 bits.
std::optional<std::uint64_t> number(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

ResolvedRange resolveRange(std::string_view header, std::uint64_t size) {
  ResolvedRange whole;
  header = trim(header);
  constexpr std::string_view kUnit = "bytes=";
  if (header.size() <= kUnit.size() || header.substr(0, kUnit.size()) != kUnit) return whole;
  std::string_view spec = trim(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return whole;
  std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  std::string_view from = trim(spec.substr(0, dash));
  std::string_view to = trim(spec.substr(dash + 1));

  ResolvedRange out;
  out.kind = ResolvedRange::Kind::Partial;
  if (from.empty()) {
    auto suffix = number(to);
    if (!suffix) return whole;
    if (*suffix == 0 || size == 0) return {ResolvedRange::Kind::Unsatisfiable, 0, 0};
    out.first = *suffix >= size ? 0 : size - *suffix;
    out.last = size - 1;
    return out;
  }
  auto first = number(from);
  if (!first) return whole;
  std::optional<std::uint64_t> last;
  if (!to.empty()) {
    last = number(to);
    if (!last || *last < *first) return whole;
  }
  if (*first >= size) return {ResolvedRange::Kind::Unsatisfiable, 0, 0};
  out.first = *first;
  out.last = last && *last < size ? *last : size - 1;
  return out;
}

CopyRange copySourceRange(std::string_view header, std::uint64_t sourceSize) {
  if (header.empty()) return {0, sourceSize};
  constexpr std::string_view kUnit = "bytes=";
  std::size_t dash = header.find('-');
  auto first = header.starts_with(kUnit) && dash != std::string_view::npos
                   ? number(header.substr(kUnit.size(), dash - kUnit.size()))
                   : std::nullopt;
  auto last = first ? number(header.substr(dash + 1)) : std::nullopt;
  if (!last || *last < *first)
    throw S3Error(400, "InvalidArgument",
                  "The x-amz-copy-source-range value must be of the form bytes=first-last where "
                  "first and last are the zero-based offsets of the first and last bytes to copy");
  if (*last >= sourceSize)
    throw S3Error(
        416, "InvalidRange",
        "Range specified is not valid for source object of size: " + std::to_string(sourceSize));
  return {*first, *last - *first + 1};
}

}  // namespace assetd::s3
