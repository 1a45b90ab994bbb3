#pragma once
// A temporary file that holds an upload whose length must be known (or whose hash must be
// signed) before it is sent. The file is unlinked as soon as it is created, so nothing is left
// behind even if the process dies. Not thread-safe while filling; readers may run concurrently.
#include <cstdint>
#include <optional>
#include <string>

#include "blob/blob_store.hpp"

namespace assetd::blob::s3 {

class Spool {
 public:
  // Throws core::ApiError 500 if no file can be made in `dir`.
  explicit Spool(const std::string& dir);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Copies `read` to the end; with `expectedSize`, a stream of another length is a
  // core::ApiError 400.
  void fill(const ReadFn& read, std::optional<std::uint64_t> expectedSize);
  std::uint64_t size() const { return size_; }

  // Bytes [offset, offset + length) of the file, from the start each time it is called.
  ReadFn reader(std::uint64_t offset, std::uint64_t length) const;
  // Hex SHA-256 of those bytes.
  std::string sha256Hex(std::uint64_t offset, std::uint64_t length) const;

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace assetd::blob::s3
