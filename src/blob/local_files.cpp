#include "blob/local_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/error.hpp"
#include "core/ids.hpp"

namespace assetd::blob::files {
namespace {

// 507 when the file system is full (ENOSPC, EDQUOT), else 500.
[[noreturn]] void fail(const std::string& what) {
  throw core::fileSystemError(what, errno);
}

[[noreturn]] void conflict() {
  throw core::ApiError::conflict("object key conflicts with an existing key");
}

// Inode, size and modification time in nanoseconds: names one version of a file.
std::string identityOf(const struct stat& st) {
  return std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

namespace {

// mkdir -p: 0 or an errno. std::filesystem::create_directories() refuses trees as deep as a key
// of 1024 '/' makes (ENAMETOOLONG far below PATH_MAX); this needs one mkdir when the parent exists.
int makeDirectoriesOf(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) return 0;
  if (errno == EEXIST) {
    struct stat st {};
    return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  }
  if (errno != ENOENT) return errno;
  fs::path parent = dir.parent_path();
  if (parent.empty() || parent == dir) return ENOENT;
  if (int error = makeDirectoriesOf(parent)) return error;
  if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return 0;  // EEXIST: a concurrent put
  return errno;
}

}  // namespace

void makeDirectories(const fs::path& dir) {
  int error = makeDirectoriesOf(dir);
  if (error == 0) return;
  if (error == ENOTDIR || error == EEXIST) conflict();
  throw core::fileSystemError("cannot create object directory", error);
}

void makeParents(const fs::path& target) {
  makeDirectories(target.parent_path());
}

void writeAll(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t written = ::write(fd, data, n);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("object write failed");
    }
    data += written;
    n -= static_cast<std::size_t>(written);
  }
}

void fsyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open directory for fsync");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail("directory fsync failed");
}

TempFile::TempFile(const fs::path& dir) : path_(dir / ("upload-" + core::randomHex(12))) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("object create failed");
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty()) ::unlink(path_.c_str());
}

void TempFile::writeAt(std::uint64_t offset, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t written = ::pwrite(fd_, data, n, static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("object write failed");
    }
    data += written;
    n -= static_cast<std::size_t>(written);
    offset += static_cast<std::uint64_t>(written);
  }
}

void TempFile::startWriteback(std::uint64_t offset, std::uint64_t length) {
  ::sync_file_range(fd_, static_cast<off_t>(offset), static_cast<off_t>(length),
                    SYNC_FILE_RANGE_WRITE);
}

bool TempFile::setDirect(bool direct) {
  int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0) return false;
  flags = direct ? flags | O_DIRECT : flags & ~O_DIRECT;
  return ::fcntl(fd_, F_SETFL, flags) == 0;
}

std::uint64_t TempFile::commitAs(const fs::path& target, bool durable) {
  if (durable && ::fsync(fd_) != 0) fail("object fsync failed");
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail("object stat failed");
  ::close(fd_);
  fd_ = -1;
  // A concurrent delete may prune the freshly made parent before the rename; make it again.
  for (int attempt = 0;; ++attempt) {
    makeParents(target);
    if (::rename(path_.c_str(), target.c_str()) == 0) break;
    if (errno == EISDIR || errno == ENOTDIR || errno == ENOTEMPTY || errno == EEXIST) conflict();
    if (errno != ENOENT || attempt == 4) fail("object rename failed");
  }
  path_.clear();
  if (durable) fsyncDirectory(target.parent_path());
  return static_cast<std::uint64_t>(st.st_ino);
}

std::string TempFile::identity() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail("object stat failed");
  return identityOf(st);
}

std::optional<ReadOnlyFile> ReadOnlyFile::open(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return std::nullopt;
    fail("object open failed");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  ReadOnlyFile file;
  file.fd_ = fd;
  file.size_ = static_cast<std::uint64_t>(st.st_size);
  file.inode_ = static_cast<std::uint64_t>(st.st_ino);
  file.modifiedMillis_ =
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  file.identity_ = identityOf(st);
  return file;
}

ReadOnlyFile::~ReadOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

ReadOnlyFile::ReadOnlyFile(ReadOnlyFile&& other) noexcept
    : fd_(other.fd_),
      size_(other.size_),
      inode_(other.inode_),
      modifiedMillis_(other.modifiedMillis_),
      identity_(std::move(other.identity_)) {
  other.fd_ = -1;
}

ReadOnlyFile& ReadOnlyFile::operator=(ReadOnlyFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    inode_ = other.inode_;
    modifiedMillis_ = other.modifiedMillis_;
    identity_ = std::move(other.identity_);
  }
  return *this;
}

std::size_t ReadOnlyFile::readAt(std::uint64_t offset, char* buffer, std::size_t n) const {
  for (;;) {
    ssize_t got = ::pread(fd_, buffer, n, static_cast<off_t>(offset));
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) fail("object read failed");
  }
}

void pruneEmptyDirectories(fs::path dir, const fs::path& stop) {
  while (!dir.empty() && dir != stop && dir.string().size() > stop.string().size()) {
    if (::rmdir(dir.c_str()) != 0) return;  // not empty, or already gone
    dir = dir.parent_path();
  }
}

}  // namespace assetd::blob::files
