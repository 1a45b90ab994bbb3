#include "blob/local_blob_store.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include "blob/local_layout.hpp"
#include "core/error.hpp"
#include "core/utf8.hpp"
#include "s3/s3_error.hpp"
#include "s3/stream_digest.hpp"
#include "sign/crypto.hpp"

namespace assetd::blob {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxKeyBytes = 1024;
constexpr std::string_view kMetaVersion = "assetd-object-meta 1";

// Sidecar text: version line, identity of the object file it describes (inode, size,
// modification time), ETag, content type, then one "name:value" line per kept header (none in
// sidecars written before headers were kept, which read the same). The identity ties the
// sidecar to one version of the object: a stale one is recognized, not trusted.
struct Sidecar {
  std::string identity;
  std::string etag;
  std::string contentType;
  assetd::s3::StoredHeaders headers;
};

std::string oneLine(std::string text) {
  for (char& c : text)
    if (c == '\r' || c == '\n') c = ' ';
  return text;
}

std::optional<Sidecar> readSidecar(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string version;
  Sidecar out;
  if (!std::getline(in, version) || version != kMetaVersion || !std::getline(in, out.identity) ||
      !std::getline(in, out.etag) || !std::getline(in, out.contentType))
    return std::nullopt;
  std::string rest{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto headers = assetd::s3::decodeStoredHeaders(rest);
  if (!headers) return std::nullopt;
  out.headers = std::move(*headers);
  return out;
}

std::string etagOfFile(const files::ReadOnlyFile& file) {
  auto buffer = std::make_unique<char[]>(files::kBufferSize);
  assetd::s3::StreamDigest digest(assetd::s3::StreamDigest::Kind::Md5);
  std::uint64_t offset = 0;
  while (std::size_t n = file.readAt(offset, buffer.get(), files::kBufferSize)) {
    digest.update(buffer.get(), n);
    offset += n;
  }
  return quotedHexEtag(digest.finish());
}

}  // namespace

void checkObjectKey(std::string_view key) {
  if (key.empty()) throw assetd::s3::S3Error(400, "InvalidArgument", "object key is empty");
  if (key.size() > kMaxKeyBytes)
    throw assetd::s3::S3Error(400, "KeyTooLongError", "object key is longer than 1024 bytes");
  for (char c : key) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      throw assetd::s3::S3Error(400, "InvalidArgument", "object key contains a control character");
  }
  if (!core::validUtf8(key))
    throw assetd::s3::S3Error(400, "InvalidArgument", "object key is not valid UTF-8");
}

std::string quotedHexEtag(std::string_view rawDigest) {
  return "\"" + sign::crypto::hex(rawDigest) + "\"";
}

LocalBlobStore::LocalBlobStore(const std::string& root, std::string bucket, std::string publicUrl,
                               Access access)
    : root_(root),
      bucketDir_(root_ / bucket),
      metaDir_(root_ / ".meta" / bucket),
      tempDir_(root_ / ".tmp"),
      uploadsDir_(root_ / ".uploads"),
      bucket_(std::move(bucket)),
      publicUrl_(std::move(publicUrl)) {
  while (!publicUrl_.empty() && publicUrl_.back() == '/') publicUrl_.pop_back();
  if (access == Access::Reader) {
    layout::requireCurrentLayout(root_);
    return;
  }
  fs::create_directories(root_);
  migrated_ = layout::migrateLayout(root_);
  fs::create_directories(bucketDir_);
  fs::create_directories(metaDir_);
  fs::create_directories(uploadsDir_);
  // Leftovers of uploads cut short by a crash: never objects, so they go.
  std::error_code ec;
  fs::remove_all(tempDir_, ec);
  fs::create_directories(tempDir_);
}

fs::path LocalBlobStore::objectPath(const std::string& key) const {
  checkObjectKey(key);
  return bucketDir_ / layout::encodeKey(key);
}

fs::path LocalBlobStore::metaPath(const std::string& key) const {
  return metaDir_ / layout::encodeKey(key);
}

std::mutex& LocalBlobStore::lockFor(const std::string& key) {
  return keyLocks_[std::hash<std::string>{}(key) % keyLocks_.size()];
}

std::optional<std::string> LocalBlobStore::currentEtagLocked(const std::string& key) const {
  auto file = files::ReadOnlyFile::open(objectPath(key));
  if (!file) return std::nullopt;
  auto sidecar = readSidecar(metaPath(key));
  if (sidecar && sidecar->identity == file->identity()) return sidecar->etag;
  return etagOfFile(*file);
}

void LocalBlobStore::checkConditions(const std::string& key,
                                     const assetd::s3::WriteConditions& conditions) {
  if (!conditions.any()) return;
  std::lock_guard lock(lockFor(key));
  assetd::s3::checkWriteConditions(conditions, currentEtagLocked(key));
}

ObjectInfo LocalBlobStore::commit(files::TempFile& temp, const std::string& key, std::uint64_t size,
                                  const std::string& etag, const std::string& contentType,
                                  const assetd::s3::StoredHeaders& headers,
                                  const assetd::s3::WriteConditions& conditions) {
  fs::path target = objectPath(key);
  // The sidecar is written before the lock, so the critical section is two renames, and before
  // the object moves into place, so a disk that fills up fails the put with the old object
  // untouched. The rename keeps the identity it names.
  files::TempFile sidecar(tempDir_);
  sidecar.write(std::string(kMetaVersion) + "\n" + temp.identity() + "\n" + etag + "\n" +
                oneLine(contentType) + "\n" + assetd::s3::encodeStoredHeaders(headers));
  files::makeParents(metaPath(key));
  std::lock_guard lock(lockFor(key));
  if (conditions.any()) {
    // Checked before the body was read too; failing only now means another write came first.
    try {
      assetd::s3::checkWriteConditions(conditions, currentEtagLocked(key));
    } catch (const assetd::s3::S3Error&) {
      throw assetd::s3::conditionalRequestConflict();
    }
  }
  temp.commitAs(target);
  auto file = files::ReadOnlyFile::open(target);
  if (!file) throw core::ApiError::internal("object vanished while it was stored");
  // Not fsynced: after a crash a lost or stale sidecar is recognized by the identity and the
  // ETag recomputed from the object (only the content type would be lost).
  sidecar.commitAs(metaPath(key), false);
  ObjectInfo info;
  info.size = size;
  info.etag = etag;
  info.contentType = oneLine(contentType);
  info.lastModifiedMillis = file->modifiedMillis();
  return info;
}

ObjectInfo LocalBlobStore::putStream(const std::string& key, const ReadFn& read,
                                     std::optional<std::uint64_t> expectedSize,
                                     const std::string& contentType) {
  return putStream(key, read, expectedSize, contentType, {});
}

ObjectInfo LocalBlobStore::putStream(const std::string& key, const ReadFn& read,
                                     std::optional<std::uint64_t> expectedSize,
                                     const std::string& contentType,
                                     const BeforeCommit& beforeCommit,
                                     const assetd::s3::StoredHeaders& headers,
                                     const assetd::s3::WriteConditions& conditions) {
  checkObjectKey(key);
  checkConditions(key, conditions);  // refused before a byte of the body is read
  files::TempFile temp(tempDir_);
  files::Streamed body = files::copyInto(temp, read, expectedSize);
  if (beforeCommit) beforeCommit(body.md5);
  return commit(temp, key, body.size, quotedHexEtag(body.md5), contentType, headers, conditions);
}

ObjectInfo LocalBlobStore::putRecorded(const std::string& key, const ReadFn& read,
                                       std::uint64_t size, const std::string& etag,
                                       const std::string& contentType,
                                       const assetd::s3::StoredHeaders& headers) {
  checkObjectKey(key);
  files::TempFile temp(tempDir_);
  files::Streamed body;
  try {
    body = files::copyInto(temp, read, size);
  } catch (const core::ApiError& e) {
    throw core::ApiError::internal("object " + key + " of the backup is damaged: " + e.what());
  }
  if (etag.find('-') == std::string::npos && quotedHexEtag(body.md5) != etag)
    throw core::ApiError::internal("object " + key + " of the backup does not match its ETag");
  return commit(temp, key, body.size, etag, contentType, headers);
}

void LocalBlobStore::put(const std::string& key, std::string_view bytes) {
  std::size_t offset = 0;
  putStream(
      key,
      [&](char* buffer, std::size_t n) {
        std::size_t take = std::min(n, bytes.size() - offset);
        std::memcpy(buffer, bytes.data() + offset, take);
        offset += take;
        return take;
      },
      bytes.size(), "");
}

std::optional<LocalBlobStore::OpenObject> LocalBlobStore::open(const std::string& key) {
  fs::path path = objectPath(key);
  std::unique_lock lock(lockFor(key));
  auto file = files::ReadOnlyFile::open(path);
  if (!file) return std::nullopt;
  auto sidecar = readSidecar(metaPath(key));
  lock.unlock();
  ObjectInfo info;
  info.size = file->size();
  info.lastModifiedMillis = file->modifiedMillis();
  assetd::s3::StoredHeaders headers;
  if (sidecar && sidecar->identity == file->identity()) {
    info.etag = sidecar->etag;
    info.contentType = sidecar->contentType;
    headers = std::move(sidecar->headers);
  } else {
    info.etag = etagOfFile(*file);
  }
  return OpenObject{std::move(info), std::move(*file), std::move(headers)};
}

std::optional<ObjectInfo> LocalBlobStore::head(const std::string& key) {
  auto object = open(key);
  if (!object) return std::nullopt;
  return object->info;
}

bool LocalBlobStore::read(const std::string& key, std::uint64_t offset, std::uint64_t length,
                          const WriteFn& write) {
  auto file = files::ReadOnlyFile::open(objectPath(key));
  if (!file) return false;
  std::uint64_t end =
      offset >= file->size() ? offset : offset + std::min(length, file->size() - offset);
  auto buffer = std::make_unique<char[]>(files::kBufferSize);
  while (offset < end) {
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(files::kBufferSize, end - offset));
    std::size_t n = file->readAt(offset, buffer.get(), want);
    if (n == 0) break;  // truncated underneath us: send what there is
    write(buffer.get(), n);
    offset += n;
  }
  return true;
}

std::optional<std::string> LocalBlobStore::get(const std::string& key) {
  std::string out;
  if (!read(key, 0, UINT64_MAX, [&](const char* data, std::size_t n) { out.append(data, n); }))
    return std::nullopt;
  return out;
}

bool LocalBlobStore::remove(const std::string& key) {
  return remove(key, {});
}

bool LocalBlobStore::remove(const std::string& key, const assetd::s3::WriteConditions& conditions) {
  fs::path target = objectPath(key);
  fs::path meta = metaPath(key);
  std::lock_guard lock(lockFor(key));
  if (conditions.any()) assetd::s3::checkWriteConditions(conditions, currentEtagLocked(key));
  std::error_code ec;
  bool removed = fs::is_regular_file(target, ec) && fs::remove(target, ec);
  fs::remove(meta, ec);
  files::pruneEmptyDirectories(target.parent_path(), bucketDir_);
  files::pruneEmptyDirectories(meta.parent_path(), metaDir_);
  return removed;
}

std::string LocalBlobStore::urlFor(const std::string& key) const {
  return publicUrl_ + "/" + bucket_ + "/" + key;
}

std::unique_ptr<BlobStore> openLocalBlobStore(const std::string& root, const std::string& bucket,
                                              const std::string& publicUrl) {
  return std::make_unique<LocalBlobStore>(root, bucket, publicUrl);
}

}  // namespace assetd::blob
