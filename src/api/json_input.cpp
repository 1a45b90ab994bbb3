#include "api/json_input.hpp"

#include <algorithm>
#include <unordered_set>

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include "core/error.hpp"

namespace assetd::api::json_input {
namespace {

// Keys echoed in error messages are cut so that a hostile key cannot bloat the response.
constexpr std::size_t kMaxEchoedKey = 100;
constexpr std::size_t kLinearDedupLimit = 16;

bool isBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

Document::Document(std::string_view text, std::string_view what)
    : what_(what), arena_(text.size() + 256) {
  if (isBlank(text)) throw core::ApiError::badRequest(what_, "required");
  json::parse_options options;
  options.max_depth = kMaxDepth;
  unsigned char scratch[4096];  // the parser's own stack, so small documents never allocate it
  json::parser parser(json::storage_ptr(), options, scratch);
  parser.reset(storage());
  boost::system::error_code ec;
  parser.write(text.data(), text.size(), ec);
  if (ec) throw core::ApiError::badRequest(what_, "malformed JSON (" + ec.message() + ")");
  root_ = parser.release();
}

const json::object& Document::rootObject() const {
  if (!root_.is_object()) throw core::ApiError::badRequest(what_, "must be a JSON object");
  return root_.get_object();
}

void Path::appendTo(std::string& out) const {
  if (parent_) parent_->appendTo(out);
  if (isIndex_) {
    out += '[';
    out += std::to_string(index_);
    out += ']';
    return;
  }
  if (key_.empty() && !parent_) return;  // the unnamed root of a body's top-level fields
  if (!out.empty()) out += '.';
  out.append(key_.empty() ? std::string_view(R"("")") : key_.substr(0, kMaxEchoedKey));
}

std::string Path::str() const {
  std::string out;
  appendTo(out);
  return out;
}

void Path::fail(std::string_view what) const {
  throw core::ApiError::badRequest(str(), std::string(what));
}

std::string_view readString(const json::value& v, const Path& path, std::size_t maxBytes,
                            bool allowEmpty) {
  if (!v.is_string()) path.fail(allowEmpty ? "must be a string" : "must be a non-empty string");
  std::string_view s = view(v.get_string());
  if (s.empty() && !allowEmpty) path.fail("must be a non-empty string");
  if (s.size() > maxBytes) path.fail("must be at most " + std::to_string(maxBytes) + " bytes");
  if (s.find('\0') != std::string_view::npos) path.fail("must not contain NUL bytes");
  return s;
}

double readPriority(const json::value& v, const Path& path) {
  double p;
  switch (v.kind()) {
    case json::kind::int64:
      p = static_cast<double>(v.get_int64());
      break;
    case json::kind::uint64:
      p = static_cast<double>(v.get_uint64());
      break;
    case json::kind::double_:
      p = v.get_double();
      break;
    default:
      path.fail("must be a number");
  }
  if (!(p >= kMinPriority && p <= kMaxPriority)) path.fail("must be between -1000 and 1000");
  return p;
}

const json::object& readObject(const json::value& v, const Path& path) {
  if (!v.is_object()) path.fail("must be an object");
  return v.get_object();
}

namespace {

bool containsNul(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return view(v.get_string()).find('\0') != std::string_view::npos;
    case json::kind::array:
      for (const auto& item : v.get_array())
        if (containsNul(item)) return true;
      return false;
    case json::kind::object:
      for (const auto& field : v.get_object())
        if (view(field.key()).find('\0') != std::string_view::npos || containsNul(field.value()))
          return true;
      return false;
    default:
      return false;
  }
}

}  // namespace

const json::object& readMetadata(const json::value& v, const Path& path) {
  const json::object& object = readObject(v, path);
  if (containsNul(v)) path.fail("must not contain NUL bytes");
  return object;
}

std::vector<std::string> readStringList(const json::value& v, const Path& path,
                                        std::size_t maxBytes) {
  if (!v.is_array()) path.fail("must be an array");
  const json::array& items = v.get_array();
  std::vector<std::string> out;
  out.reserve(items.size());
  std::unordered_set<std::string_view> seen;  // only for long lists: short ones scan linearly
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Path item = path.at(i);
    std::string_view s = readString(items[i], item, maxBytes, false);
    bool duplicate = items.size() > kLinearDedupLimit
                         ? !seen.insert(s).second
                         : std::find(out.begin(), out.end(), s) != out.end();
    if (!duplicate) out.emplace_back(s);
  }
  return out;
}

std::string readStringArrayJson(const json::value& v, const Path& path) {
  if (!v.is_array()) path.fail("must be an array of strings");
  const json::array& items = v.get_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string()) path.at(i).fail("must be a string");
  }
  return compact(v);
}

std::string compact(const json::value& v) {
  return json::serialize(v);
}
std::string compact(const json::object& o) {
  return json::serialize(o);
}

}  // namespace assetd::api::json_input
