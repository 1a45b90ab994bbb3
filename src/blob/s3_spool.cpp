#include "blob/s3_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/error.hpp"
#include "s3/stream_digest.hpp"
#include "sign/crypto.hpp"

namespace assetd::blob::s3 {
namespace {

constexpr std::size_t kChunk = 256 * 1024;

core::ApiError ioError(const std::string& what) {
  return core::fileSystemError("upload spool: " + what, errno);
}

std::size_t readAt(int fd, char* buffer, std::size_t n, std::uint64_t offset) {
  for (;;) {
    const ssize_t got = ::pread(fd, buffer, n, static_cast<off_t>(offset));
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) throw ioError("read");
  }
}

}  // namespace

Spool::Spool(const std::string& dir) {
  std::string path = (std::filesystem::path(dir) / "assetd-spool-XXXXXX").string();
  fd_ = ::mkstemp(path.data());
  if (fd_ < 0) throw ioError("cannot create a file in " + dir);
  ::unlink(path.c_str());
}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

void Spool::fill(const ReadFn& read, std::optional<std::uint64_t> expectedSize) {
  std::vector<char> buffer(kChunk);
  for (;;) {
    const std::size_t got = read(buffer.data(), buffer.size());
    if (got == 0) break;
    if (expectedSize && size_ + got > *expectedSize)
      throw core::ApiError::badRequest(
          "body", "longer than the " + std::to_string(*expectedSize) + " bytes declared");
    for (std::size_t done = 0; done < got;) {
      const ssize_t wrote = ::write(fd_, buffer.data() + done, got - done);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) throw ioError("write");
      done += static_cast<std::size_t>(wrote);
    }
    size_ += got;
  }
  if (expectedSize && size_ != *expectedSize)
    throw core::ApiError::badRequest("body", "ended after " + std::to_string(size_) + " of the " +
                                                 std::to_string(*expectedSize) + " bytes declared");
}

ReadFn Spool::reader(std::uint64_t offset, std::uint64_t length) const {
  return [fd = fd_, position = offset, end = offset + length](char* buffer, std::size_t n) mutable {
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, end - position));
    if (n == 0) return std::size_t{0};
    const std::size_t got = readAt(fd, buffer, n, position);
    position += got;
    return got;
  };
}

std::string Spool::sha256Hex(std::uint64_t offset, std::uint64_t length) const {
  assetd::s3::StreamDigest digest(assetd::s3::StreamDigest::Kind::Sha256);
  std::vector<char> buffer(kChunk);
  ReadFn read = reader(offset, length);
  while (const std::size_t got = read(buffer.data(), buffer.size()))
    digest.update(buffer.data(), got);
  return sign::crypto::hex(digest.finish());
}

}  // namespace assetd::blob::s3
