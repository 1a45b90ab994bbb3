#pragma once
// The embedded object store: objects as files under <root>/<bucket>/<path of key> (the path
// layout::encodeKey() gives: any two keys have distinct paths), their ETag, content type and kept
// headers (StoredHeaders) in a sidecar tree <root>/.meta/<bucket>/<path of key> (outside the
// bucket, so no key can collide with it), uploads in progress under <root>/.tmp and multipart parts
// under <root>/.uploads/<uploadId>/. Beside the BlobStore interface it offers what the built-in S3
// endpoint needs: consistent open-for-read, listing and multipart uploads.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blob/blob_store.hpp"
#include "blob/local_files.hpp"
#include "s3/object_checksum.hpp"
#include "s3/preconditions.hpp"
#include "s3/stored_headers.hpp"

namespace assetd::blob {

class LocalBlobStore final : public BlobStore {
 public:
  // Owner: the store of a server; migrates a store of an earlier release's layout (every bucket
  // under `root`, see layout::migrateLayout), creates the directories and removes temp files a
  // previous run left behind. Reader: open() and list() only, beside a server that owns the
  // directory (a backup); touches nothing, and throws core::ApiError 500 when `root` still has
  // the layout of an earlier release.
  enum class Access { Owner, Reader };
  LocalBlobStore(const std::string& root, std::string bucket, std::string publicUrl,
                 Access access = Access::Owner);

  const std::string& bucket() const override { return bucket_; }
  // How many objects the constructor moved from an earlier release's layout; nullopt when
  // there was nothing to move (or for a Reader).
  std::optional<std::size_t> migratedObjects() const { return migrated_; }
  ObjectInfo putStream(const std::string& key, const ReadFn& read,
                       std::optional<std::uint64_t> expectedSize,
                       const std::string& contentType) override;
  // Called with the body's raw MD5 once it is in a temp file, before anything is committed;
  // throwing abandons the upload (a client's Content-MD5 is checked this way, with the MD5
  // computed for the ETag).
  using BeforeCommit = std::function<void(const std::string& md5)>;
  // `conditions` (S3's conditional writes) are checked before the first byte is read, with the
  // errors of s3::checkWriteConditions, and again atomically with the commit, under the key's
  // lock: failing only then (another write came first) throws s3::conditionalRequestConflict().
  // `headers` are read once beforeCommit has returned, so that it may complete them with what
  // only the whole body tells (the checksum the client sent, once checked).
  ObjectInfo putStream(const std::string& key, const ReadFn& read,
                       std::optional<std::uint64_t> expectedSize, const std::string& contentType,
                       const BeforeCommit& beforeCommit,
                       const assetd::s3::StoredHeaders& headers = {},
                       const assetd::s3::WriteConditions& conditions = {});
  // Stores an object as a backup recorded it: its body with the ETag it had (a multipart
  // "<md5>-<n>" one included), its content type and kept headers. Throws core::ApiError 500 when
  // a single-part ETag is not the body's MD5 or the body is not `size` bytes (a damaged backup),
  // and what putStream throws.
  ObjectInfo putRecorded(const std::string& key, const ReadFn& read, std::uint64_t size,
                         const std::string& etag, const std::string& contentType,
                         const assetd::s3::StoredHeaders& headers);
  std::optional<ObjectInfo> head(const std::string& key) override;
  bool read(const std::string& key, std::uint64_t offset, std::uint64_t length,
            const WriteFn& write) override;
  void put(const std::string& key, std::string_view bytes) override;
  std::optional<std::string> get(const std::string& key) override;
  bool remove(const std::string& key) override;
  // remove() under S3's DeleteObject conditions, checked under the key's lock: throws what
  // s3::checkWriteConditions throws (NoSuchKey for If-Match on a missing object).
  bool remove(const std::string& key, const assetd::s3::WriteConditions& conditions);
  std::string urlFor(const std::string& key) const override;

  // An object's metadata and an open handle on the very bytes it describes, so that a GET
  // racing an overwrite still answers one consistent version.
  struct OpenObject {
    ObjectInfo info;
    files::ReadOnlyFile file;
    assetd::s3::StoredHeaders headers;  // empty when the sidecar was stale or lost
  };
  std::optional<OpenObject> open(const std::string& key);

  struct Listed {
    std::string key;  // an object's key, or a common prefix (ends with the delimiter)
    bool commonPrefix = false;
    ObjectInfo info;  // objects only
  };
  // Objects whose key starts with `prefix` and sorts after `startAfter`, in byte order of key,
  // until `visit` returns false. With a delimiter, keys that contain it after the prefix are
  // rolled up: their common prefix (up to and including the delimiter) is visited once instead,
  // unless it sorts at or before `startAfter`.
  void list(const std::string& prefix, const std::string& delimiter, const std::string& startAfter,
            const std::function<bool(const Listed&)>& visit);

  // ---- Multipart uploads (errors are S3Error with S3's codes) ----
  // `headers` are kept with the upload and given to the object on completion; among them the
  // checksum algorithm the upload requires (s3::recordUploadChecksum), if any.
  std::string createUpload(const std::string& key, const std::string& contentType,
                           const assetd::s3::StoredHeaders& headers = {});
  // The checksum algorithm and type the upload was created with (NoSuchUpload if none).
  std::optional<assetd::s3::UploadChecksum> uploadChecksum(const std::string& uploadId,
                                                           const std::string& key);
  // Called once the body is in and checked: the part's checksum to keep with it, if any.
  using PartChecksum = std::function<std::optional<assetd::s3::ObjectChecksum>()>;
  // Stores one part (1..10000), replacing an earlier one of the same number; returns its ETag.
  std::string uploadPart(const std::string& uploadId, const std::string& key, int partNumber,
                         const ReadFn& read, std::optional<std::uint64_t> expectedSize,
                         const BeforeCommit& beforeCommit = {}, const PartChecksum& checksum = {});
  struct CompletedPart {
    int number = 0;
    std::string etag;
    // The checksums the request names for the part: (algorithm, base64).
    std::vector<std::pair<std::string, std::string>> checksums = {};
  };
  struct CompletedUpload {
    ObjectInfo info;
    std::optional<assetd::s3::ObjectChecksum> checksum = {};  // with an upload's algorithm
  };
  // Concatenates the named parts into the object atomically; ETag "<md5 of part md5s>-<n>".
  // With the upload's algorithm the object gets its COMPOSITE or FULL_OBJECT checksum and keeps
  // its part sizes. Throws S3Error 400 InvalidPart for a part (or a checksum of one) the upload
  // does not hold, InvalidRequest when a COMPOSITE upload's part lacks its checksum, BadDigest
  // when `objectChecksum` (the client's claim for the whole object) differs. A Complete repeated
  // after success (the upload is remembered until it expires like an idle upload) returns the
  // first one's result without touching the object (its conditions are not checked again).
  // `conditions` are checked as putStream checks them: before the parts are read, and at the
  // commit (ConditionalRequestConflict when only that fails); the upload stays on failure.
  CompletedUpload completeUpload(
      const std::string& uploadId, const std::string& key, const std::vector<CompletedPart>& parts,
      const std::optional<assetd::s3::ObjectChecksum>& objectChecksum = std::nullopt,
      const assetd::s3::WriteConditions& conditions = {});
  // false if there was no such upload.
  bool abortUpload(const std::string& uploadId, const std::string& key);

  struct UploadedPart {
    int number = 0;
    std::string etag;  // quoted
    std::uint64_t size = 0;
    std::int64_t lastModifiedMillis = 0;
    std::optional<assetd::s3::ObjectChecksum> checksum =
        {};  // algorithm and value, if one was sent
  };
  // The parts of an upload of `key`, by part number (NoSuchUpload otherwise).
  std::vector<UploadedPart> listParts(const std::string& uploadId, const std::string& key);
  struct PendingUpload {
    std::string key;
    std::string uploadId;
    std::int64_t initiatedMillis = 0;
  };
  // Uploads in progress whose key starts with `prefix`, by key and then upload id.
  std::vector<PendingUpload> listUploads(const std::string& prefix);
  // Removes the uploads whose last activity (creation or newest part) is before `idleSince`;
  // returns how many. An upload busy in another call (a part being stored, Complete, Abort) is
  // left for the next sweep.
  std::size_t expireUploads(std::filesystem::file_time_type idleSince);

  // Uploads S3 accepts parts below this size only as the last part.
  static constexpr std::uint64_t kMinPartSize = 5u << 20;

 private:
  std::filesystem::path objectPath(const std::string& key) const;
  std::filesystem::path metaPath(const std::string& key) const;
  std::mutex& lockFor(const std::string& key);
  // Moves a finished temp file into place and records its metadata, under the key's lock, if
  // `conditions` still hold there (conditionalRequestConflict() otherwise).
  ObjectInfo commit(files::TempFile& temp, const std::string& key, std::uint64_t size,
                    const std::string& etag, const std::string& contentType,
                    const assetd::s3::StoredHeaders& headers,
                    const assetd::s3::WriteConditions& conditions = {});
  // The ETag of the object stored at `key` now, nullopt if there is none; the caller holds the
  // key's lock.
  std::optional<std::string> currentEtagLocked(const std::string& key) const;
  // checkWriteConditions against the object now, under the key's lock.
  void checkConditions(const std::string& key, const assetd::s3::WriteConditions& conditions);
  std::filesystem::path uploadDir(const std::string& uploadId, const std::string& key) const;

  std::filesystem::path root_;
  std::filesystem::path bucketDir_;
  std::filesystem::path metaDir_;
  std::filesystem::path tempDir_;
  std::filesystem::path uploadsDir_;
  std::string bucket_;
  std::string publicUrl_;
  std::array<std::mutex, 64> keyLocks_;
  std::optional<std::size_t> migrated_;
};

// Checks a key: 1..1024 bytes of well-formed UTF-8 without control characters (U+0000..U+001F,
// U+007F: XML 1.0 cannot carry them in a listing). Any such key is storable beside any other;
// empty, "." and ".." segments and leading or trailing '/' are plain key bytes. Throws S3Error
// 400 (InvalidArgument / KeyTooLongError).
void checkObjectKey(std::string_view key);

// "\"<hex>\"".
std::string quotedHexEtag(std::string_view rawDigest);

}  // namespace assetd::blob
