#pragma once
// File primitives of the local object store: temp files that vanish unless committed, atomic
// rename into place with the fsyncs that make it durable, and pruning of emptied directories.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "blob/blob_store.hpp"

namespace assetd::blob::files {

namespace fs = std::filesystem;

// Bodies move through buffers of this size; nothing larger is ever held.
inline constexpr std::size_t kBufferSize = std::size_t{1} << 20;
// Buffers one copyInto() holds at most.
inline constexpr std::size_t kCopyDepth = 4;

void writeAll(int fd, const char* data, std::size_t n);
// Creates `dir` and its missing parents, however deep. Throws core::ApiError 409 when a regular
// file is in the way, 507 when the disk is full, 500 on other failures.
void makeDirectories(const fs::path& dir);
// makeDirectories() of the parent of `target`.
void makeParents(const fs::path& target);
void fsyncDirectory(const fs::path& dir);

// A file created in `dir` under a random name; closed and unlinked on destruction unless
// commitAs() moved it into place.
class TempFile {
 public:
  explicit TempFile(const fs::path& dir);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(const char* data, std::size_t n) { writeAll(fd_, data, n); }
  void write(std::string_view data) { writeAll(fd_, data.data(), data.size()); }
  void writeAt(std::uint64_t offset, const char* data, std::size_t n);
  // Starts writing [offset, offset + length) to disk without waiting, so that the fsync of
  // commitAs() finds little left to do. Advisory: failures are left for fsync to report.
  void startWriteback(std::uint64_t offset, std::uint64_t length);
  // Switches the following writes to direct I/O (past the page cache: no copy, no writeback
  // left for fsync); they must then be of whole blocks, from block-aligned memory, at aligned
  // offsets. Returns false where the file system refuses it. `false` switches back.
  bool setDirect(bool direct);
  // fsync, close, rename to `target` (creating its parent directories), fsync the parent.
  // Returns the inode the file has at its new name. Throws core::ApiError 409 when `target` or
  // one of its parents is taken by the other kind of entry (a key "a" beside a key "a/b").
  // Without `durable` both fsyncs are skipped (for files that can be rebuilt after a crash).
  std::uint64_t commitAs(const fs::path& target, bool durable = true);
  const fs::path& path() const { return path_; }
  // What ReadOnlyFile::identity() will say of the file once committed (a rename keeps it).
  std::string identity() const;

 private:
  fs::path path_;
  int fd_ = -1;
};

struct Streamed {
  std::uint64_t size = 0;
  std::string md5;  // raw 16 bytes
};
// Pulls `read` to its end into `file`, hashing as it goes. With `expectedSize`, a stream that
// ends early or runs long throws core::ApiError 400. `read` is only called from the calling
// thread; past one buffer, a hashing and a writing thread take the filled buffers (MD5 is
// slower than receiving or writing), at most kCopyDepth of them in flight.
Streamed copyInto(TempFile& file, const ReadFn& read, std::optional<std::uint64_t> expectedSize);

// A regular file opened for reading; nullopt from open() if there is none at `path`.
class ReadOnlyFile {
 public:
  static std::optional<ReadOnlyFile> open(const fs::path& path);
  ~ReadOnlyFile();
  ReadOnlyFile(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile& operator=(ReadOnlyFile&& other) noexcept;

  std::uint64_t size() const { return size_; }
  std::uint64_t inode() const { return inode_; }
  // Inode, size and modification time in nanoseconds: names one version of the file.
  const std::string& identity() const { return identity_; }
  std::int64_t modifiedMillis() const { return modifiedMillis_; }
  // Up to n bytes at `offset`; 0 at the end.
  std::size_t readAt(std::uint64_t offset, char* buffer, std::size_t n) const;
  int descriptor() const { return fd_; }

 private:
  ReadOnlyFile() = default;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t inode_ = 0;
  std::int64_t modifiedMillis_ = 0;
  std::string identity_;
};

// Removes `dir` and its parents while they are empty, stopping below `stop`.
void pruneEmptyDirectories(fs::path dir, const fs::path& stop);

}  // namespace assetd::blob::files
