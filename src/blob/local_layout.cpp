// Layout 2 of the local store (see local_layout.hpp) and the migration from layout 1.
//
// Migration, for a root without a layout file:
//   1. every regular file of <root>/<bucket>/ (objects) and <root>/.meta/<bucket>/ (sidecars) is
//      renamed to its layout-2 path under <root>/.migrating/objects/<bucket>/ and
//      <root>/.migrating/meta/<bucket>/ (each bucket's target is created first, even when empty);
//      the directories are fsynced and <root>/.migrating/swap is written durably;
//   2. for each bucket still under .migrating: what is left of the old tree (nothing but empty
//      directories, unless a crash lost a rename of step 1, which is then redone) is removed and
//      the migrated tree renamed into its place; then the layout file is written durably and
//      .migrating removed.
// A crash before "swap" exists repeats step 1, which moves only what is still in the old tree;
// after, step 2 resumes with the buckets not yet swapped (a swapped bucket has left .migrating,
// so a layout-2 tree is never taken for an old one).
#include "blob/local_layout.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <set>
#include <system_error>

#include "blob/local_files.hpp"
#include "core/error.hpp"

namespace assetd::blob::layout {
namespace {

constexpr std::string_view kObject = "~o";
constexpr std::string_view kDirectory = "~d";
constexpr std::string_view kContinuation = "~c";
constexpr const char* kLayoutVersion = "2";
constexpr const char* kMigrating = ".migrating";
constexpr const char* kSwapFile = "swap";

// Appends `segment` (cut into continuation chunks when long) with `suffix` on its last name.
void appendSegment(fs::path& out, std::string_view segment, std::string_view suffix) {
  while (segment.size() > kMaxSegmentInName) {
    out /= std::string(segment.substr(0, kChunkBytes)) + std::string(kContinuation);
    segment.remove_prefix(kChunkBytes);
  }
  out /= std::string(segment) + std::string(suffix);
}

void collect(const fs::path& dir, const std::string& namePrefix, std::vector<Entry>& out) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() < 2) continue;
    std::string_view suffix = std::string_view(name).substr(name.size() - 2);
    std::string segment = namePrefix + name.substr(0, name.size() - 2);
    std::error_code typeError;
    if (suffix == kObject) {
      if (it->is_regular_file(typeError)) out.push_back({segment, false, it->path()});
    } else if (suffix == kDirectory) {
      if (it->is_directory(typeError)) out.push_back({segment + "/", true, it->path()});
    } else if (suffix == kContinuation) {
      if (it->is_directory(typeError)) collect(it->path(), segment, out);
    }
  }
}

[[noreturn]] void failMigration(const std::string& what, const std::error_code& ec) {
  throw core::ApiError::internal("object store layout migration: " + what + ": " + ec.message());
}

// The buckets of a store: its directories whose names do not start with '.'.
std::vector<std::string> directoriesOf(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code typeError;
    if (!name.empty() && name.front() != '.' && it->is_directory(typeError)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool hasEntries(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && !fs::is_empty(dir, ec);
}

// Renames every regular file below `from` (a layout-1 tree: its relative path is its key) to
// its layout-2 path below `to`; returns how many. Directories whose entries changed are added
// to `touched`.
std::size_t moveTree(const fs::path& from, const fs::path& to, const std::string& keyPrefix,
                     std::set<fs::path>& touched) {
  std::vector<std::pair<std::string, bool>> names;  // name, is a directory
  std::error_code ec;
  for (fs::directory_iterator it(from, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code typeError;
    if (it->is_directory(typeError))
      names.emplace_back(it->path().filename().string(), true);
    else if (it->is_regular_file(typeError))
      names.emplace_back(it->path().filename().string(), false);
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    failMigration("cannot read " + from.string(), ec);
  std::size_t moved = 0;
  for (const auto& [name, directory] : names) {
    if (directory) {
      moved += moveTree(from / name, to, keyPrefix + name + "/", touched);
      continue;
    }
    fs::path target = to / encodeKey(keyPrefix + name);
    files::makeParents(target);
    std::error_code renameError;
    fs::rename(from / name, target, renameError);
    if (renameError) failMigration("cannot move " + (from / name).string(), renameError);
    touched.insert(from);
    touched.insert(target.parent_path());
    ++moved;
  }
  return moved;
}

// Removes `dir` and the directories below it, which must hold no files.
void removeEmptyTree(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  for (const std::string& name : [&] {
         std::vector<std::string> names;
         for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
           names.push_back(it->path().filename().string());
         return names;
       }()) {
    std::error_code typeError;
    if (!fs::is_directory(dir / name, typeError))
      failMigration("an entry that is neither an object nor a directory is in the way: " +
                        (dir / name).string(),
                    std::make_error_code(std::errc::directory_not_empty));
    removeEmptyTree(dir / name);
  }
  std::error_code removeError;
  fs::remove(dir, removeError);
  if (removeError) failMigration("cannot remove " + dir.string(), removeError);
}

void writeDurably(const fs::path& root, const fs::path& target, const std::string& text) {
  fs::path temp = root / ".tmp";
  fs::create_directories(temp);
  files::TempFile file(temp);
  file.write(text);
  file.commitAs(target);
}

std::optional<std::string> readLayoutFile(const fs::path& root) {
  std::ifstream in(root / kLayoutFile);
  if (!in) return std::nullopt;
  std::string version;
  std::getline(in, version);
  return version;
}

// Step 2 for one tree: the migrated `from` replaces the layout-1 `old`.
void swapIn(const fs::path& from, const fs::path& old) {
  std::set<fs::path> touched;
  moveTree(old, from, "", touched);  // a rename of step 1 a crash lost
  for (const fs::path& dir : touched) files::fsyncDirectory(dir);
  removeEmptyTree(old);
  std::error_code ec;
  fs::create_directories(old.parent_path(), ec);
  fs::rename(from, old, ec);
  if (ec) failMigration("cannot move " + from.string() + " into place", ec);
  files::fsyncDirectory(old.parent_path());
}

}  // namespace

fs::path encodeKey(std::string_view key) {
  fs::path out;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = key.find('/', start);
    if (slash == std::string_view::npos) {
      appendSegment(out, key.substr(start), kObject);
      return out;
    }
    appendSegment(out, key.substr(start, slash - start), kDirectory);
    start = slash + 1;
  }
}

std::vector<Entry> sortedEntries(const fs::path& dir) {
  std::vector<Entry> out;
  collect(dir, "", out);
  std::sort(out.begin(), out.end(),
            [](const Entry& a, const Entry& b) { return a.sortName < b.sortName; });
  return out;
}

std::optional<std::size_t> migrateLayout(const fs::path& root) {
  if (auto version = readLayoutFile(root)) {
    if (*version != kLayoutVersion)
      throw core::ApiError::internal("the object store at " + root.string() + " has layout " +
                                     *version + ", which this release does not know");
    std::error_code ec;
    fs::remove_all(root / kMigrating, ec);  // a crash after the layout file was written
    return std::nullopt;
  }
  const fs::path work = root / kMigrating;
  std::size_t moved = 0;
  std::error_code ec;
  bool old = fs::exists(work, ec);
  for (const std::string& bucket : directoriesOf(root)) old = old || hasEntries(root / bucket);
  for (const std::string& bucket : directoriesOf(root / ".meta"))
    old = old || hasEntries(root / ".meta" / bucket);
  if (!old) {  // a new store, or one without objects: nothing to move
    writeDurably(root, root / kLayoutFile, std::string(kLayoutVersion) + "\n");
    return std::nullopt;
  }
  if (!fs::exists(work / kSwapFile, ec)) {
    std::set<fs::path> touched;
    for (const std::string& bucket : directoriesOf(root)) {
      fs::create_directories(work / "objects" / bucket);
      moved += moveTree(root / bucket, work / "objects" / bucket, "", touched);
    }
    for (const std::string& bucket : directoriesOf(root / ".meta")) {
      fs::create_directories(work / "meta" / bucket);
      moveTree(root / ".meta" / bucket, work / "meta" / bucket, "", touched);
    }
    for (const fs::path& dir : touched) files::fsyncDirectory(dir);
    fs::create_directories(work);
    files::fsyncDirectory(work);
    writeDurably(root, work / kSwapFile, "");
  }
  for (const std::string& bucket : directoriesOf(work / "objects"))
    swapIn(work / "objects" / bucket, root / bucket);
  for (const std::string& bucket : directoriesOf(work / "meta"))
    swapIn(work / "meta" / bucket, root / ".meta" / bucket);
  writeDurably(root, root / kLayoutFile, std::string(kLayoutVersion) + "\n");
  fs::remove_all(work, ec);
  return moved;
}

void requireCurrentLayout(const fs::path& root) {
  if (auto version = readLayoutFile(root)) {
    if (*version == kLayoutVersion) return;
    throw core::ApiError::internal("the object store at " + root.string() + " has layout " +
                                   *version + ", which this release does not know");
  }
  bool old = fs::exists(root / kMigrating);
  for (const std::string& bucket : directoriesOf(root)) old = old || hasEntries(root / bucket);
  if (old)
    throw core::ApiError::internal("the object store at " + root.string() +
                                   " is in the layout of an earlier release; start the server "
                                   "on it once to upgrade it");
}

}  // namespace assetd::blob::layout
