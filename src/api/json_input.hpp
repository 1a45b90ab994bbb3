#pragma once
// Reading untrusted JSON at the API edge: a bounded parse into an arena, field paths that are
// only spelled out when an error needs them, and typed readers that throw core::ApiError 400
// naming the path ("assets[3].priority: must be a number").
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

namespace assetd::api::json_input {

namespace json = boost::json;

// Nesting deeper than this is rejected: it bounds parser memory and keeps stored documents sane.
inline constexpr std::size_t kMaxDepth = 64;
inline constexpr double kMinPriority = -1000;
inline constexpr double kMaxPriority = 1000;

// A JSON document parsed into its own arena (one allocation pattern, freed at once).
class Document {
 public:
  // Throws ApiError 400 "<what>: required" for empty text and "<what>: malformed JSON (...)".
  Document(std::string_view text, std::string_view what);
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  const json::value& root() const { return root_; }
  // The root as an object, or 400 "<what>: must be a JSON object".
  const json::object& rootObject() const;
  json::storage_ptr storage() { return json::storage_ptr(&arena_); }

 private:
  std::string what_;
  json::monotonic_resource arena_;
  json::value root_;
};

// A field path as a chain of stack frames, e.g. root("assets").at(3).field("data") spells
// "assets[3].data". Frames refer to their parent: keep a child no longer than its parent.
class Path {
 public:
  static Path root(std::string_view name = {}) { return Path(nullptr, name, 0, false); }
  Path field(std::string_view key) const { return Path(this, key, 0, false); }
  Path at(std::size_t index) const { return Path(this, {}, index, true); }
  std::string str() const;
  [[noreturn]] void fail(std::string_view what) const;

 private:
  Path(const Path* parent, std::string_view key, std::size_t index, bool isIndex)
      : parent_(parent), key_(key), index_(index), isIndex_(isIndex) {}
  void appendTo(std::string& out) const;

  const Path* parent_;
  std::string_view key_;
  std::size_t index_;
  bool isIndex_;
};

inline std::string_view view(json::string_view s) {
  return {s.data(), s.size()};
}

// A string of at most maxBytes without NUL bytes ("must be a string", "must be a non-empty
// string", "must be at most N bytes", "must not contain NUL bytes").
std::string_view readString(const json::value& v, const Path& path, std::size_t maxBytes,
                            bool allowEmpty);
// A JSON number in [-1000, 1000].
double readPriority(const json::value& v, const Path& path);
const json::object& readObject(const json::value& v, const Path& path);
// An object whose keys and strings, at any depth, hold no NUL byte: metadata is matched by
// filters, and a NUL would make a stored value unfindable.
const json::object& readMetadata(const json::value& v, const Path& path);
// An array of non-empty strings of at most maxBytes each; duplicates dropped, order kept.
std::vector<std::string> readStringList(const json::value& v, const Path& path,
                                        std::size_t maxBytes);
// An array whose every entry is a string (of any length); returns its compact text.
std::string readStringArrayJson(const json::value& v, const Path& path);

// Compact JSON text of a value.
std::string compact(const json::value& v);
std::string compact(const json::object& o);

}  // namespace assetd::api::json_input
