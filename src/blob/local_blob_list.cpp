// Listing of the local store: a depth-first walk that visits keys in byte order without
// sorting the whole bucket, skipping subtrees that cannot hold a key after `startAfter`.
#include <algorithm>
#include <system_error>

#include "blob/local_blob_store.hpp"
#include "core/error.hpp"

namespace assetd::blob {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string sortName;  // a directory sorts as "name/", the prefix of every key inside it
  bool directory = false;
};

std::vector<Entry> sortedEntries(const fs::path& dir) {
  std::vector<Entry> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code typeError;
    bool directory = it->is_directory(typeError);
    if (!directory && !it->is_regular_file(typeError)) continue;
    std::string name = it->path().filename().string();
    out.push_back({directory ? name + "/" : name, directory});
  }
  std::sort(out.begin(), out.end(),
            [](const Entry& a, const Entry& b) { return a.sortName < b.sortName; });
  return out;
}

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

void LocalBlobStore::list(const std::string& prefix, const std::string& delimiter,
                          const std::string& startAfter,
                          const std::function<bool(const Listed&)>& visit) {
  std::string lastPrefix;  // the common prefix most recently rolled up; its keys are skipped
  // Returns false once `visit` asked to stop.
  std::function<bool(const fs::path&, const std::string&)> walk =
      [&](const fs::path& dir, const std::string& keyPrefix) -> bool {
    for (const Entry& entry : sortedEntries(dir)) {
      std::string key = keyPrefix + entry.sortName;
      if (!lastPrefix.empty() && startsWith(key, lastPrefix)) continue;
      if (entry.directory) {
        if (!startsWith(key, prefix) && !startsWith(prefix, key)) continue;
        // Every key below sorts between `key` and the next sibling: skip the subtree when all
        // of it lies at or before startAfter.
        if (startAfter >= key && !startsWith(startAfter, key)) continue;
        if (!walk(dir / entry.sortName.substr(0, entry.sortName.size() - 1), key)) return false;
        continue;
      }
      if (!startsWith(key, prefix) || key <= startAfter) continue;
      if (!delimiter.empty()) {
        std::size_t at = key.find(delimiter, prefix.size());
        if (at != std::string::npos) {
          lastPrefix = key.substr(0, at + delimiter.size());
          if (lastPrefix <= startAfter) continue;
          if (!visit(Listed{lastPrefix, true, {}})) return false;
          continue;
        }
      }
      std::optional<OpenObject> object;
      try {
        object = open(key);
      } catch (const core::ApiError&) {
        continue;  // a file name no key maps to
      }
      if (!object) continue;  // deleted while listing
      if (!visit(Listed{key, false, object->info})) return false;
    }
    return true;
  };
  walk(bucketDir_, "");
}

}  // namespace assetd::blob
