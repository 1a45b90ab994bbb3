#include "s3/preconditions.hpp"

#include "s3/http_date.hpp"

namespace assetd::s3 {
namespace {

// `text` without the blanks around it.
std::string_view withoutBlanks(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") + 1 - first);
}

// The first header named `name`, nullopt when absent or blank.
std::optional<std::string> field(const HeaderFields& headers, const std::string& name) {
  for (const auto& [key, value] : headers)
    if (key == name) {
      std::string_view text = withoutBlanks(value);
      if (text.empty()) return std::nullopt;
      return std::string(text);
    }
  return std::nullopt;
}

std::optional<std::int64_t> dateField(const HeaderFields& headers, const std::string& name) {
  auto text = field(headers, name);
  return text ? parseHttpDate(*text) : std::nullopt;
}

}  // namespace

bool etagMatches(std::string_view condition, std::string_view etag) {
  std::string_view bare = etag;
  if (bare.size() >= 2 && bare.front() == '"' && bare.back() == '"')
    bare = bare.substr(1, bare.size() - 2);
  std::size_t start = 0;
  while (start <= condition.size()) {
    std::size_t end = condition.find(',', start);
    if (end == std::string_view::npos) end = condition.size();
    std::string_view tag = withoutBlanks(condition.substr(start, end - start));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"')
      tag = tag.substr(1, tag.size() - 2);
    if (tag == "*" || tag == bare) return true;
    start = end + 1;
  }
  return false;
}

ReadConditions readConditionsOf(const HeaderFields& headers, std::string_view prefix) {
  std::string p(prefix);
  ReadConditions out;
  out.prefix = p;
  out.ifMatch = field(headers, p + "if-match");
  out.ifNoneMatch = field(headers, p + "if-none-match");
  out.ifModifiedSince = dateField(headers, p + "if-modified-since");
  out.ifUnmodifiedSince = dateField(headers, p + "if-unmodified-since");
  return out;
}

ReadEvaluation evaluate(const ReadConditions& c, std::string_view etag,
                        std::int64_t lastModifiedMillis) {
  // Last-Modified goes out in whole seconds; a date compares with what the client saw.
  std::int64_t modified = lastModifiedMillis / 1000;
  if (c.ifMatch) {
    if (!etagMatches(*c.ifMatch, etag)) return {ReadOutcome::Failed, c.prefix + "If-Match"};
  } else if (c.ifUnmodifiedSince && modified > *c.ifUnmodifiedSince) {
    return {ReadOutcome::Failed, c.prefix + "If-Unmodified-Since"};
  }
  if (c.ifNoneMatch) {
    if (etagMatches(*c.ifNoneMatch, etag))
      return {ReadOutcome::NotModified, c.prefix + "If-None-Match"};
  } else if (c.ifModifiedSince && modified <= *c.ifModifiedSince) {
    return {ReadOutcome::NotModified, c.prefix + "If-Modified-Since"};
  }
  return {};
}

void requireReadConditions(const ReadConditions& conditions, std::string_view etag,
                           std::int64_t lastModifiedMillis) {
  ReadEvaluation result = evaluate(conditions, etag, lastModifiedMillis);
  if (result.outcome != ReadOutcome::Proceed) throw PreconditionFailed(result.condition);
}

WriteConditions writeConditionsOf(const HeaderFields& headers) {
  WriteConditions out;
  out.ifMatch = field(headers, "if-match");
  if (auto none = field(headers, "if-none-match")) {
    if (*none != "*")
      throw S3Error(501, "NotImplemented",
                    "A header you provided implies functionality that is not implemented: "
                    "If-None-Match on a write accepts only '*'");
    out.ifNoneMatch = true;
  }
  return out;
}

void checkWriteConditions(const WriteConditions& conditions,
                          const std::optional<std::string>& currentEtag) {
  if (conditions.ifMatch) {
    if (!currentEtag) throw S3Error(404, "NoSuchKey", "The specified key does not exist.");
    if (!etagMatches(*conditions.ifMatch, *currentEtag)) throw PreconditionFailed("If-Match");
  }
  if (conditions.ifNoneMatch && currentEtag) throw PreconditionFailed("If-None-Match");
}

S3Error conditionalRequestConflict() {
  return S3Error(409, "ConditionalRequestConflict",
                 "A conflicting operation occurred. If using PutObject you can retry the "
                 "request. If using multipart upload you should initiate another "
                 "CreateMultipartUpload request and re-upload each part.");
}

}  // namespace assetd::s3
