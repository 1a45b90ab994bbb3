// Multipart uploads of the local store. Each upload is a directory <root>/.uploads/<id>/ with
// an "info" file (key, content type, then the kept headers as in the object sidecar) and one file
// per part named part-<number>-<md5 hex>, so a part and its ETag appear together in one rename.
// A part sent with a checksum has it in sum-<number>-<md5 hex> ("<algorithm>:<base64>"), renamed
// into place before the part. A completed upload leaves a "completed" file (key, ETag, the
// checksum lines) in place of the rest, so that a repeated Complete gets the same answer.
// The files' modification times are the upload's history: the info file's is its initiation,
// the newest one its last activity.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <tuple>

#include "blob/local_blob_store.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "s3/s3_error.hpp"
#include "s3/stream_digest.hpp"
#include "sign/crypto.hpp"

namespace assetd::blob {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxPartNumber = 10000;

assetd::s3::S3Error noSuchUpload() {
  return assetd::s3::S3Error(
      404, "NoSuchUpload",
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

// The checksum file of the part file named part-<number>-<hex>.
fs::path checksumPath(const fs::path& part) {
  return part.parent_path() / ("sum-" + part.filename().string().substr(5));
}

std::optional<assetd::s3::ObjectChecksum> readPartChecksum(const fs::path& part) {
  std::ifstream in(checksumPath(part));
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  std::size_t colon = line.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return assetd::s3::ObjectChecksum{line.substr(0, colon), line.substr(colon + 1),
                                    assetd::s3::ChecksumType::FullObject};
}

constexpr const char* kCompletedFile = "completed";

struct CompletedRecord {
  std::string key;
  std::string etag;
  std::optional<assetd::s3::ObjectChecksum> checksum;
};

std::optional<CompletedRecord> readCompleted(const fs::path& dir) {
  std::ifstream in(dir / kCompletedFile);
  CompletedRecord record;
  if (!in || !std::getline(in, record.key) || !std::getline(in, record.etag)) return std::nullopt;
  auto lines = assetd::s3::decodeStoredHeaders(
      std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  if (!lines) return std::nullopt;
  record.checksum = assetd::s3::recordedChecksum(*lines);
  return record;
}

struct UploadInfo {
  std::string key;
  std::string contentType;
  assetd::s3::StoredHeaders headers;
};

std::optional<UploadInfo> readInfo(const fs::path& dir) {
  std::ifstream in(dir / "info");
  UploadInfo info;
  if (!in || !std::getline(in, info.key) || !std::getline(in, info.contentType))
    return std::nullopt;
  auto headers = assetd::s3::decodeStoredHeaders(
      std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  if (!headers) return std::nullopt;
  info.headers = std::move(*headers);
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

std::int64_t millisOf(fs::file_time_type time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::file_clock::to_sys(time).time_since_epoch())
      .count();
}

struct StoredPart {
  int number = 0;
  std::string hex;
  fs::path path;
};

// "part-00042-<32 hex>" → {42, hex}; nullopt for any other name.
std::optional<StoredPart> parsePartName(const fs::path& path) {
  std::string name = path.filename().string();
  constexpr std::size_t kNumberAt = 5, kHexAt = 11;
  if (name.size() != kHexAt + 32 || !name.starts_with("part-") || name[kHexAt - 1] != '-')
    return std::nullopt;
  StoredPart part;
  auto [end, ec] = std::from_chars(name.data() + kNumberAt, name.data() + kHexAt - 1, part.number);
  if (ec != std::errc() || end != name.data() + kHexAt - 1) return std::nullopt;
  part.hex = name.substr(kHexAt);
  part.path = path;
  return part;
}

// The newest modification time in an upload's directory (the directory itself included, so an
// upload whose info file is not yet renamed into place counts as just created).
fs::file_time_type lastActivity(const fs::path& dir) {
  std::error_code ec;
  fs::file_time_type newest = fs::last_write_time(dir, ec);
  if (ec) newest = fs::file_time_type::min();
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code timeError;
    fs::file_time_type time = fs::last_write_time(it->path(), timeError);
    if (!timeError && time > newest) newest = time;
  }
  return newest;
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

std::string LocalBlobStore::createUpload(const std::string& key, const std::string& contentType,
                                         const assetd::s3::StoredHeaders& headers) {
  checkObjectKey(key);
  std::string id = core::randomHex(16);
  files::TempFile info(tempDir_);
  std::string type = contentType;
  std::replace(type.begin(), type.end(), '\n', ' ');
  std::replace(type.begin(), type.end(), '\r', ' ');
  info.write(key + "\n" + type + "\n" + assetd::s3::encodeStoredHeaders(headers));
  info.commitAs(uploadsDir_ / id / "info");
  return id;
}

std::string LocalBlobStore::uploadPart(const std::string& uploadId, const std::string& key,
                                       int partNumber, const ReadFn& read,
                                       std::optional<std::uint64_t> expectedSize,
                                       const BeforeCommit& beforeCommit,
                                       const PartChecksum& checksum) {
  if (partNumber < 1 || partNumber > kMaxPartNumber)
    throw assetd::s3::S3Error(400, "InvalidArgument",
                              "Part number must be an integer between 1 and 10000");
  uploadDir(uploadId, key);  // fail before reading the body
  files::TempFile temp(tempDir_);
  files::Streamed body = files::copyInto(temp, read, expectedSize);
  if (beforeCommit) beforeCommit(body.md5);
  std::optional<assetd::s3::ObjectChecksum> partChecksum =
      checksum ? checksum() : std::optional<assetd::s3::ObjectChecksum>();
  std::optional<files::TempFile> checksumFile;
  if (partChecksum) {
    checksumFile.emplace(tempDir_);
    checksumFile->write(partChecksum->algorithm + ":" + partChecksum->value + "\n");
  }
  std::string hex = sign::crypto::hex(body.md5);
  std::lock_guard lock(uploadLock(uploadId));
  fs::path dir = uploadDir(uploadId, key);  // still there after the body arrived?
  std::optional<fs::path> previous = findPart(dir, partNumber);
  fs::path target = dir / (partPrefix(partNumber) + hex);
  std::error_code ec;
  if (checksumFile)
    checksumFile->commitAs(checksumPath(target));
  else
    fs::remove(checksumPath(target), ec);
  temp.commitAs(target);
  if (previous && *previous != target) {
    fs::remove(*previous);
    fs::remove(checksumPath(*previous), ec);
  }
  return "\"" + hex + "\"";
}

std::optional<assetd::s3::UploadChecksum> LocalBlobStore::uploadChecksum(
    const std::string& uploadId, const std::string& key) {
  fs::path dir = uploadDir(uploadId, key);
  auto info = readInfo(dir);
  if (!info) throw noSuchUpload();
  return assetd::s3::recordedUploadChecksum(info->headers);
}

LocalBlobStore::CompletedUpload LocalBlobStore::completeUpload(
    const std::string& uploadId, const std::string& key, const std::vector<CompletedPart>& parts,
    const std::optional<assetd::s3::ObjectChecksum>& objectChecksum,
    const assetd::s3::WriteConditions& conditions) {
  std::lock_guard lock(uploadLock(uploadId));
  if (isUploadId(uploadId)) {
    if (auto done = readCompleted(uploadsDir_ / uploadId); done && done->key == key) {
      CompletedUpload again;
      again.info.etag = done->etag;
      again.checksum = done->checksum;
      return again;
    }
  }
  fs::path dir = uploadDir(uploadId, key);
  UploadInfo info = *readInfo(dir);
  std::optional<assetd::s3::UploadChecksum> required =
      assetd::s3::recordedUploadChecksum(info.headers);
  if (parts.empty())
    throw assetd::s3::S3Error(400, "MalformedXML", "You must specify at least one part");
  checkConditions(key, conditions);  // before the parts are read
  std::vector<files::ReadOnlyFile> files;
  std::string partDigests;
  std::uint64_t total = 0;
  std::vector<std::uint64_t> sizes;
  std::vector<std::pair<std::string, std::uint64_t>> partChecksums;  // of the required algorithm
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (parts[i].number <= parts[i - 1].number)
      throw assetd::s3::S3Error(
          400, "InvalidPartOrder",
          "The list of parts was not in ascending order. Parts must be ordered by part "
          "number.");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const CompletedPart& part = parts[i];
    std::string hex = unquote(part.etag);
    auto digest = hex.size() == 32 ? unhex(hex) : std::nullopt;
    fs::path partPath = dir / (partPrefix(part.number) + hex);
    auto file = part.number >= 1 && part.number <= kMaxPartNumber && digest
                    ? files::ReadOnlyFile::open(partPath)
                    : std::nullopt;
    const auto invalidPart = [] {
      return assetd::s3::S3Error(
          400, "InvalidPart",
          "One or more of the specified parts could not be found. The part may not have "
          "been uploaded, or the specified entity tag may not match the part's entity "
          "tag.");
    };
    if (!file) throw invalidPart();
    auto stored = readPartChecksum(partPath);
    bool named = false;
    for (const auto& [algorithm, value] : part.checksums) {
      // A checksum the part was not stored with, or another value, is not that part.
      if (!stored || stored->algorithm != algorithm || stored->value != value) throw invalidPart();
      named = true;
    }
    if (required) {
      if (!stored || stored->algorithm != required->algorithm) throw invalidPart();
      if (!named && required->type == assetd::s3::ChecksumType::Composite)
        throw assetd::s3::S3Error(
            400, "InvalidRequest",
            "The upload was created using a " + required->algorithm +
                " checksum. The complete request must include the checksum for each part. It "
                "was missing for part " +
                std::to_string(part.number) + " in the request.");
      partChecksums.emplace_back(stored->value, file->size());
    }
    if (i + 1 < parts.size() && file->size() < kMinPartSize)
      throw assetd::s3::S3Error(400, "EntityTooSmall",
                                "Your proposed upload is smaller than the minimum allowed size");
    partDigests += *digest;
    total += file->size();
    sizes.push_back(file->size());
    files.push_back(std::move(*file));
  }

  CompletedUpload result;
  if (required) {
    std::optional<std::string> value;
    if (required->type == assetd::s3::ChecksumType::Composite) {
      std::vector<std::string> values;
      for (const auto& entry : partChecksums) values.push_back(entry.first);
      value = assetd::s3::compositeChecksum(required->algorithm, values);
    } else {
      value = assetd::s3::fullObjectCrc(required->algorithm, partChecksums);
    }
    if (!value) throw core::ApiError::internal("upload " + uploadId + " has a damaged checksum");
    result.checksum = assetd::s3::ObjectChecksum{required->algorithm, *value, required->type};
  }
  if (objectChecksum &&
      (!result.checksum || result.checksum->algorithm != objectChecksum->algorithm ||
       result.checksum->value != objectChecksum->value))
    throw assetd::s3::S3Error(400, "BadDigest",
                              "The " + objectChecksum->algorithm +
                                  " you specified did not match the calculated checksum.");

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
  std::string etag = "\"" + sign::crypto::hex(assetd::s3::md5(partDigests)) + "-" +
                     std::to_string(parts.size()) + "\"";
  assetd::s3::StoredHeaders headers = assetd::s3::answeredHeaders(info.headers);
  if (result.checksum) assetd::s3::recordChecksum(headers, *result.checksum);
  assetd::s3::recordPartSizes(headers, sizes);
  result.info = commit(temp, key, total, etag, info.contentType, headers, conditions);

  // What a repeated Complete answers; then the parts go.
  assetd::s3::StoredHeaders recorded;
  if (result.checksum) assetd::s3::recordChecksum(recorded, *result.checksum);
  std::error_code ec;
  try {
    files::TempFile record(tempDir_);
    record.write(key + "\n" + etag + "\n" + assetd::s3::encodeStoredHeaders(recorded));
    record.commitAs(dir / kCompletedFile, false);
  } catch (const std::exception&) {
    // Without the record a repeated Complete answers NoSuchUpload; the object is stored.
  }
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == kCompletedFile) continue;
    std::error_code removeError;
    fs::remove(it->path(), removeError);
  }
  return result;
}

bool LocalBlobStore::abortUpload(const std::string& uploadId, const std::string& key) {
  std::lock_guard lock(uploadLock(uploadId));
  fs::path dir;
  try {
    dir = uploadDir(uploadId, key);
  } catch (const assetd::s3::S3Error&) {
    return false;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return true;
}

std::vector<LocalBlobStore::UploadedPart> LocalBlobStore::listParts(const std::string& uploadId,
                                                                    const std::string& key) {
  std::lock_guard lock(uploadLock(uploadId));  // no half-replaced part is seen twice
  fs::path dir = uploadDir(uploadId, key);
  std::vector<UploadedPart> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    auto stored = parsePartName(it->path());
    if (!stored) continue;
    std::error_code statError;
    std::uint64_t size = fs::file_size(stored->path, statError);
    fs::file_time_type modified = fs::last_write_time(stored->path, statError);
    if (statError) continue;  // removed meanwhile
    out.push_back({stored->number, "\"" + stored->hex + "\"", size, millisOf(modified),
                   readPartChecksum(stored->path)});
  }
  std::sort(out.begin(), out.end(),
            [](const UploadedPart& a, const UploadedPart& b) { return a.number < b.number; });
  return out;
}

std::vector<LocalBlobStore::PendingUpload> LocalBlobStore::listUploads(const std::string& prefix) {
  std::vector<PendingUpload> out;
  std::error_code ec;
  for (fs::directory_iterator it(uploadsDir_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string id = it->path().filename().string();
    if (!isUploadId(id)) continue;
    auto info = readInfo(it->path());
    std::error_code timeError;
    fs::file_time_type initiated = fs::last_write_time(it->path() / "info", timeError);
    if (!info || timeError || !info->key.starts_with(prefix)) continue;
    out.push_back({info->key, id, millisOf(initiated)});
  }
  std::sort(out.begin(), out.end(), [](const PendingUpload& a, const PendingUpload& b) {
    return std::tie(a.key, a.uploadId) < std::tie(b.key, b.uploadId);
  });
  return out;
}

std::size_t LocalBlobStore::expireUploads(fs::file_time_type idleSince) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (fs::directory_iterator it(uploadsDir_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string id = it->path().filename().string();
    if (isUploadId(id)) ids.push_back(std::move(id));
  }
  std::size_t removed = 0;
  for (const std::string& id : ids) {
    // Complete holds this lock from its first check to the removal of the parts: a busy upload
    // is active by definition, so it is skipped rather than waited for.
    std::unique_lock lock(uploadLock(id), std::try_to_lock);
    if (!lock.owns_lock()) continue;
    fs::path dir = uploadsDir_ / id;
    if (!fs::exists(dir, ec) || lastActivity(dir) >= idleSince) continue;
    std::error_code removeError;
    fs::remove_all(dir, removeError);
    if (!removeError) ++removed;
  }
  return removed;
}

}  // namespace assetd::blob
