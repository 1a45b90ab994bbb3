// Listing of the local store: a depth-first walk that visits keys in byte order without
// sorting the whole bucket (each directory's entries sorted as layout::sortedEntries() names
// them), skipping subtrees that cannot hold a key after `startAfter` or outside `prefix`.
#include <algorithm>
#include <system_error>

#include "blob/local_blob_store.hpp"
#include "blob/local_layout.hpp"
#include "core/error.hpp"

namespace assetd::blob {
namespace {

namespace fs = std::filesystem;

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
    for (const layout::Entry& entry : layout::sortedEntries(dir)) {
      std::string key = keyPrefix + entry.sortName;
      if (!lastPrefix.empty() && startsWith(key, lastPrefix)) continue;
      if (entry.directory) {
        if (!startsWith(key, prefix) && !startsWith(prefix, key)) continue;
        // Every key below sorts between `key` and the next sibling: skip the subtree when all
        // of it lies at or before startAfter.
        if (startAfter >= key && !startsWith(startAfter, key)) continue;
        if (!walk(entry.path, key)) return false;
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
        continue;  // a name no valid key maps to
      }
      if (!object) continue;  // deleted while listing
      if (!visit(Listed{key, false, object->info})) return false;
    }
    return true;
  };
  walk(bucketDir_, "");
}

}  // namespace assetd::blob
