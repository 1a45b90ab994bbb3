#pragma once
// Where the local store keeps a key on disk (layout 2). Every path component ends in a 2-byte
// type suffix, so no key can collide with another ("a", "a/", "a/b" and "a//b" all coexist):
//   - the key's last segment S is the file "S~o";
//   - a segment S followed by '/' is the directory "S~d";
//   - a segment longer than kMaxSegmentInName bytes is cut into kChunkBytes chunks, each but the
//     last a continuation directory "chunk~c", the last one suffixed as above.
// "a" -> a~o, "a/" -> a~d/~o, "a/b" -> a~d/b~o, "a//b" -> a~d/~d/b~o, "./.." -> .~d/..~o.
// Layout 1 (earlier releases) used the key itself as the path; migrateLayout() upgrades a tree.
// Stateless functions; migrateLayout() must not run beside another user of the same root.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace assetd::blob::layout {

namespace fs = std::filesystem;

// A segment of up to this many bytes fits in one name with its suffix (NAME_MAX 255).
inline constexpr std::size_t kMaxSegmentInName = 253;
inline constexpr std::size_t kChunkBytes = 250;

// The relative path of `key` (any non-empty byte string; callers check the key first).
fs::path encodeKey(std::string_view key);

// One entry of a directory as the listing sees it.
struct Entry {
  // An object sorts as its last segment S, a "~d" directory as "S/", the prefix of every key
  // below it; so sorting entries by sortName sorts the keys they hold.
  std::string sortName;
  bool directory = false;
  fs::path path;  // the file, or the directory to walk into
};
// The entries of `dir` in byte order of sortName, continuation directories flattened into it
// (their entries' names prefixed with the chunk). Names without a type suffix are skipped.
// Unreadable or missing directories yield nothing.
std::vector<Entry> sortedEntries(const fs::path& dir);

// The file under the store's root that records the layout version.
inline constexpr const char* kLayoutFile = ".layout";

// Brings the store under `root` (every bucket, objects and sidecars) to layout 2: with no
// layout file, moves every file of layout 1 to its layout-2 path by rename (the inode, hence a
// sidecar's identity, is kept) through <root>/.migrating, then writes the layout file durably.
// Restartable after a crash at any point. Multipart uploads (which record their key, not a path)
// and temp files are left alone. Returns how many objects were moved when a migration ran,
// nullopt when there was nothing to migrate (a store at layout 2, or one without objects,
// which only gets the layout file). Throws
// core::ApiError 500 for an unknown layout version or an entry it cannot move.
std::optional<std::size_t> migrateLayout(const fs::path& root);

// Throws core::ApiError 500 when `root` holds objects of layout 1 not yet migrated (for readers
// that must not change the directory).
void requireCurrentLayout(const fs::path& root);

}  // namespace assetd::blob::layout
