#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "blob/blob_store.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"

namespace assetd::blob {
namespace {

namespace fs = std::filesystem;

// Keys come from the server itself, but a key that could climb out of the bucket directory
// is refused anyway.
void checkKey(const std::string& key) {
  if (key.empty() || key.front() == '/' || key.find('\0') != std::string::npos)
    throw core::ApiError::internal("invalid object key");
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    std::string_view segment(key.data() + start, end - start);
    if (segment.empty() || segment == "." || segment == "..")
      throw core::ApiError::internal("invalid object key");
    start = end + 1;
  }
}

void writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw core::ApiError::internal(std::string("object write failed: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

class LocalBlobStore final : public BlobStore {
 public:
  LocalBlobStore(std::string root, std::string bucket, std::string publicUrl)
      : bucketDir_(fs::path(root) / bucket), bucket_(std::move(bucket)), publicUrl_(std::move(publicUrl)) {
    while (!publicUrl_.empty() && publicUrl_.back() == '/') publicUrl_.pop_back();
    fs::create_directories(bucketDir_);
    fs::create_directories(bucketDir_.parent_path() / ".tmp");
  }

  void put(const std::string& key, std::string_view bytes) override {
    checkKey(key);
    fs::path target = bucketDir_ / key;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw core::ApiError::internal("cannot create object directory: " + ec.message());
    // Write to a temp file, fsync, then rename: readers never see a partial object.
    fs::path temp = bucketDir_.parent_path() / ".tmp" / core::randomHex(12);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw core::ApiError::internal(std::string("object create failed: ") + std::strerror(errno));
    try {
      writeAll(fd, bytes);
      if (::fsync(fd) != 0) throw core::ApiError::internal("object fsync failed");
    } catch (...) {
      ::close(fd);
      ::unlink(temp.c_str());
      throw;
    }
    ::close(fd);
    if (::rename(temp.c_str(), target.c_str()) != 0) {
      ::unlink(temp.c_str());
      throw core::ApiError::internal(std::string("object rename failed: ") + std::strerror(errno));
    }
  }

  std::optional<std::string> get(const std::string& key) override {
    checkKey(key);
    std::ifstream in(bucketDir_ / key, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return std::move(out).str();
  }

  bool remove(const std::string& key) override {
    checkKey(key);
    std::error_code ec;
    return fs::remove(bucketDir_ / key, ec);
  }

  std::string urlFor(const std::string& key) const override {
    return publicUrl_ + "/" + bucket_ + "/" + key;
  }

 private:
  fs::path bucketDir_;
  std::string bucket_;
  std::string publicUrl_;
};

}  // namespace

std::unique_ptr<BlobStore> openLocalBlobStore(const std::string& root, const std::string& bucket,
                                              const std::string& publicUrl) {
  return std::make_unique<LocalBlobStore>(root, bucket, publicUrl);
}

}  // namespace assetd::blob
