// Multipart uploads of the local store. Each upload is a directory <root>/.uploads/<id>/ with
// an "info" file (key and content type) and one file per part named part-<number>-<md5 hex>,
// so a part and its ETag appear together in one rename.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

#include "blob/crypto.hpp"
#include "blob/local_blob_store.hpp"
#include "blob/s3_error.hpp"
#include "blob/stream_digest.hpp"
#include "core/ids.hpp"

namespace assetd::blob {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxPartNumber = 10000;

S3Error noSuchUpload() {
  return S3Error(404, "NoSuchUpload",
                 "The specified upload does not exist. The upload ID may be invalid, or the "
                 "upload may have been aborted or completed.");
}

bool isUploadId(std::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string partPrefix(int number) {
  char text[16];
  std::snprintf(text, sizeof text, "part-%05d-", number);
  return text;
}

struct UploadInfo {
  std::string key;
  std::string contentType;
};

std::optional<UploadInfo> readInfo(const fs::path& dir) {
  std::ifstream in(dir / "info");
  UploadInfo info;
  if (!in || !std::getline(in, info.key) || !std::getline(in, info.contentType))
    return std::nullopt;
  return info;
}

// The stored file of part `number`, if any.
std::optional<fs::path> findPart(const fs::path& dir, int number) {
  std::string prefix = partPrefix(number);
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with(prefix)) return it->path();
  }
  return std::nullopt;
}

std::string unquote(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  std::transform(etag.begin(), etag.end(), etag.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return etag;
}

std::optional<std::string> unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<char>(value));
  }
  return out;
}

// The lock that orders part uploads, completion and abort of one upload.
std::mutex& uploadLock(const std::string& uploadId) {
  static std::array<std::mutex, 64> locks;
  return locks[std::hash<std::string>{}(uploadId) % locks.size()];
}

}  // namespace

fs::path LocalBlobStore::uploadDir(const std::string& uploadId, const std::string& key) const {
  if (!isUploadId(uploadId)) throw noSuchUpload();
  fs::path dir = uploadsDir_ / uploadId;
  auto info = readInfo(dir);
  if (!info || info->key != key) throw noSuchUpload();
  return dir;
}

std::string LocalBlobStore::createUpload(const std::string& key, const std::string& contentType) {
  checkObjectKey(key);
  std::string id = core::randomHex(16);
  files::TempFile info(tempDir_);
  std::string type = contentType;
  std::replace(type.begin(), type.end(), '\n', ' ');
  std::replace(type.begin(), type.end(), '\r', ' ');
  info.write(key + "\n" + type + "\n");
  info.commitAs(uploadsDir_ / id / "info");
  return id;
}

std::string LocalBlobStore::uploadPart(const std::string& uploadId, const std::string& key,
                                       int partNumber, const ReadFn& read,
                                       std::optional<std::uint64_t> expectedSize,
                                       const BeforeCommit& beforeCommit) {
  if (partNumber < 1 || partNumber > kMaxPartNumber)
    throw S3Error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000");
  uploadDir(uploadId, key);  // fail before reading the body
  files::TempFile temp(tempDir_);
  files::Streamed body = files::copyInto(temp, read, expectedSize);
  if (beforeCommit) beforeCommit(body.md5);
  std::string hex = crypto::hex(body.md5);
  std::lock_guard lock(uploadLock(uploadId));
  fs::path dir = uploadDir(uploadId, key);  // still there after the body arrived?
  std::optional<fs::path> previous = findPart(dir, partNumber);
  fs::path target = dir / (partPrefix(partNumber) + hex);
  temp.commitAs(target);
  if (previous && *previous != target) fs::remove(*previous);
  return "\"" + hex + "\"";
}

ObjectInfo LocalBlobStore::completeUpload(const std::string& uploadId, const std::string& key,
                                          const std::vector<CompletedPart>& parts) {
  std::lock_guard lock(uploadLock(uploadId));
  fs::path dir = uploadDir(uploadId, key);
  UploadInfo info = *readInfo(dir);
  if (parts.empty()) throw S3Error(400, "MalformedXML", "You must specify at least one part");
  std::vector<files::ReadOnlyFile> files;
  std::string partDigests;
  std::uint64_t total = 0;
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (parts[i].number <= parts[i - 1].number)
      throw S3Error(400, "InvalidPartOrder",
                    "The list of parts was not in ascending order. Parts must be ordered by part "
                    "number.");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const CompletedPart& part = parts[i];
    std::string hex = unquote(part.etag);
    auto digest = hex.size() == 32 ? unhex(hex) : std::nullopt;
    auto file = part.number >= 1 && part.number <= kMaxPartNumber && digest
                    ? files::ReadOnlyFile::open(dir / (partPrefix(part.number) + hex))
                    : std::nullopt;
    if (!file)
      throw S3Error(400, "InvalidPart",
                    "One or more of the specified parts could not be found. The part may not have "
                    "been uploaded, or the specified entity tag may not match the part's entity "
                    "tag.");
    if (i + 1 < parts.size() && file->size() < kMinPartSize)
      throw S3Error(400, "EntityTooSmall",
                    "Your proposed upload is smaller than the minimum allowed size");
    partDigests += *digest;
    total += file->size();
    files.push_back(std::move(*file));
  }

  // Concatenate through the ordinary atomic path, one buffer at a time.
  std::size_t current = 0;
  std::uint64_t offset = 0;
  ReadFn concatenated = [&](char* buffer, std::size_t n) -> std::size_t {
    while (current < files.size()) {
      std::size_t got = files[current].readAt(offset, buffer, n);
      if (got > 0) {
        offset += got;
        return got;
      }
      ++current;
      offset = 0;
    }
    return 0;
  };
  files::TempFile temp(tempDir_);
  files::copyInto(temp, concatenated, total);
  std::string etag =
      "\"" + crypto::hex(md5(partDigests)) + "-" + std::to_string(parts.size()) + "\"";
  ObjectInfo result = commit(temp, key, total, etag, info.contentType);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return result;
}

bool LocalBlobStore::abortUpload(const std::string& uploadId, const std::string& key) {
  std::lock_guard lock(uploadLock(uploadId));
  fs::path dir;
  try {
    dir = uploadDir(uploadId, key);
  } catch (const S3Error&) {
    return false;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return true;
}

}  // namespace assetd::blob
