#include "s3/stored_headers.hpp"

#include <algorithm>
#include <utility>

#include "s3/s3_error.hpp"

namespace assetd::s3 {
namespace {

constexpr std::string_view kMetaPrefix = "x-amz-meta-";
constexpr std::string_view kKeptStandard[] = {"cache-control", "content-disposition",
                                              "content-encoding", "content-language", "expires"};

bool isKept(std::string_view name) {
  if (name.starts_with(kMetaPrefix)) return true;
  for (std::string_view kept : kKeptStandard)
    if (name == kept) return true;
  return false;
}

bool hasControlCharacter(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

// `value` without its "aws-chunked" codings, the rest exactly as sent ("deflate, gzip" stays so).
std::string withoutAwsChunked(std::string_view value) {
  std::string out(value);
  std::size_t start = 0;
  while (start <= out.size()) {
    std::size_t end = out.find(',', start);
    if (end == std::string::npos) end = out.size();
    std::size_t first = start;
    std::size_t last = end;
    while (first < last && (out[first] == ' ' || out[first] == '\t')) ++first;
    while (last > first && (out[last - 1] == ' ' || out[last - 1] == '\t')) --last;
    if (std::string_view(out).substr(first, last - first) != "aws-chunked") {
      start = end + 1;
      continue;
    }
    // The coding goes with the comma after it, or, as the last one, with the comma before it.
    if (end < out.size()) {
      out.erase(start, end + 1 - start);
      if (start == 0)
        while (!out.empty() && (out.front() == ' ' || out.front() == '\t')) out.erase(0, 1);
    } else {
      std::size_t comma = start == 0 ? 0 : start - 1;
      out.erase(comma);
      break;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  return out;
}

}  // namespace

bool isRecordedOnly(std::string_view name) {
  return name.starts_with("x-amz-checksum-") || name == "x-amz-mp-parts";
}

StoredHeaders storedHeadersOf(const std::vector<std::pair<std::string, std::string>>& request) {
  StoredHeaders out;
  std::size_t metadataBytes = 0;
  for (const auto& [name, value] : request) {
    if (!isKept(name)) continue;
    if (name.starts_with(kMetaPrefix)) {
      if (name.size() == kMetaPrefix.size())
        throw S3Error(400, "InvalidArgument", "user metadata header x-amz-meta- has no name");
      metadataBytes += name.size() - kMetaPrefix.size() + value.size();
    }
    // Names come from the HTTP parser and cannot hold control characters; values can.
    if (hasControlCharacter(value))
      throw S3Error(400, "InvalidArgument",
                    "header " + name + " contains a control character in its value");
    std::string kept = value;
    if (name == "content-encoding") {
      // aws-chunked names the transfer framing of a streaming upload, not the object's encoding.
      kept = withoutAwsChunked(value);
      if (kept.empty()) continue;
    }
    // A header sent on several lines is one value, its lines joined with ',' (as SigV4 signs
    // it), so that it is answered on one line in full.
    auto same = std::find_if(out.begin(), out.end(),
                             [&name = name](const auto& h) { return h.first == name; });
    if (same != out.end()) {
      same->second += "," + kept;
      continue;
    }
    out.emplace_back(name, std::move(kept));
  }
  if (metadataBytes > kMaxUserMetadataBytes)
    throw S3Error(400, "MetadataTooLarge",
                  "Your metadata headers exceed the maximum allowed metadata size.");
  return out;
}

std::string encodeStoredHeaders(const StoredHeaders& headers) {
  std::string out;
  for (const auto& [name, value] : headers) out += name + ":" + value + "\n";
  return out;
}

std::optional<StoredHeaders> decodeStoredHeaders(std::string_view lines) {
  StoredHeaders out;
  while (!lines.empty()) {
    std::size_t end = lines.find('\n');
    if (end == std::string_view::npos) return std::nullopt;  // cut short
    std::string_view line = lines.substr(0, end);
    lines.remove_prefix(end + 1);
    std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos ||
        (!isKept(line.substr(0, colon)) && !isRecordedOnly(line.substr(0, colon))))
      return std::nullopt;
    out.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return out;
}

}  // namespace assetd::s3
