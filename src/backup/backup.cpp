#include "backup/backup.hpp"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "blob/local_blob_store.hpp"
#include "blob/local_files.hpp"
#include "blob/local_layout.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "s3/stream_digest.hpp"
#include "sign/crypto.hpp"

namespace assetd::backup {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
namespace files = blob::files;

constexpr const char* kObjectsDir = "objects";
constexpr const char* kKeysDir = "keys";

// The buckets of a local object store: its top-level directories that are not its own.
std::vector<std::string> bucketsOf(const fs::path& objectsRoot) {
  std::vector<std::string> buckets;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(objectsRoot, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && !name.empty() && name.front() != '.') buckets.push_back(name);
  }
  std::sort(buckets.begin(), buckets.end());
  return buckets;
}

// A file being written into the backup or the new data directory, with its SHA-256.
class HashedWriter {
 public:
  explicit HashedWriter(const fs::path& dir)
      : temp_(dir), digest_(s3::StreamDigest::Kind::Sha256) {}
  void write(const char* data, std::size_t n) {
    temp_.write(data, n);
    digest_.update(data, n);
  }
  // Durable in place at `target`; returns the SHA-256 (hex).
  std::string commitAs(const fs::path& target) {
    temp_.commitAs(target);
    return sign::crypto::hex(digest_.finish());
  }

 private:
  files::TempFile temp_;
  s3::StreamDigest digest_;
};

struct Copied {
  std::uint64_t size = 0;
  std::string sha256;  // hex
};

// Copies `file` through a temp file in `dir` to `target` (durably), hashing on the way.
Copied copyFile(const files::ReadOnlyFile& file, const fs::path& dir, const fs::path& target) {
  HashedWriter out(dir);
  auto buffer = std::make_unique<char[]>(files::kBufferSize);
  std::uint64_t offset = 0;
  while (std::size_t n = file.readAt(offset, buffer.get(), files::kBufferSize)) {
    out.write(buffer.get(), n);
    offset += n;
  }
  return {offset, out.commitAs(target)};
}

// The size and SHA-256 (hex) of a file.
std::pair<std::uint64_t, std::string> hashFile(const fs::path& path) {
  auto file = files::ReadOnlyFile::open(path);
  if (!file) throw core::ApiError::internal("backup: " + path.string() + " is missing");
  auto buffer = std::make_unique<char[]>(files::kBufferSize);
  s3::StreamDigest digest(s3::StreamDigest::Kind::Sha256);
  std::uint64_t offset = 0;
  while (std::size_t n = file->readAt(offset, buffer.get(), files::kBufferSize)) {
    digest.update(buffer.get(), n);
    offset += n;
  }
  return {offset, sign::crypto::hex(digest.finish())};
}

// Refuses a backup whose file differs from what its manifest recorded.
void checkFile(const fs::path& path, const json::object& entry) {
  auto [size, sha256] = hashFile(path);
  if (size != entry.at("size").to_number<std::uint64_t>() ||
      sha256 != entry.at("sha256").as_string())
    throw core::ApiError::internal("backup: " + path.string() +
                                   " does not match its manifest (damaged backup)");
}

json::value countsJson(const std::optional<store::sqlite::RecordCounts>& c) {
  if (!c) return nullptr;
  return json::object{{"organizations", c->organizations},
                      {"projects", c->projects},
                      {"assets", c->assets},
                      {"storages", c->storages},
                      {"apiKeys", c->apiKeys}};
}

// A temporary sibling of `target` that is renamed onto it once complete; removed otherwise.
class Staging {
 public:
  explicit Staging(const fs::path& target)
      : target_(target), path_(target.string() + ".partial-" + core::randomHex(6)) {
    fs::create_directories(path_);
  }
  ~Staging() {
    if (committed_) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  const fs::path& path() const { return path_; }
  void commit() {
    std::error_code ec;
    fs::remove(target_, ec);  // an empty directory only: checked by the callers
    fs::rename(path_, target_);
    files::fsyncDirectory(fs::absolute(target_).parent_path());
    committed_ = true;
  }

 private:
  fs::path target_;
  fs::path path_;
  bool committed_ = false;
};

void writeText(const fs::path& dir, const fs::path& target, const std::string& text) {
  HashedWriter out(dir);
  out.write(text.data(), text.size());
  out.commitAs(target);
}

// Copies the objects of every bucket of `objectsRoot` into `stage`/objects, recording them.
json::array backupObjects(const fs::path& objectsRoot, const fs::path& stage, Summary& summary) {
  json::array objects;
  for (const std::string& bucket : bucketsOf(objectsRoot)) {
    blob::LocalBlobStore source(objectsRoot.string(), bucket, "",
                                blob::LocalBlobStore::Access::Reader);
    source.list("", "", "", [&](const blob::LocalBlobStore::Listed& listed) {
      auto object = source.open(listed.key);
      if (!object) return true;  // removed since it was listed: not acknowledged any more
      Copied copied = copyFile(object->file, stage,
                               stage / kObjectsDir / bucket / blob::layout::encodeKey(listed.key));
      objects.push_back(json::object{{"bucket", bucket},
                                     {"key", listed.key},
                                     {"size", copied.size},
                                     {"sha256", copied.sha256},
                                     {"etag", object->info.etag},
                                     {"contentType", object->info.contentType},
                                     {"headers", s3::encodeStoredHeaders(object->headers)}});
      summary.objects += 1;
      summary.objectBytes += static_cast<std::int64_t>(copied.size);
      return true;
    });
  }
  return objects;
}

json::object readManifest(const fs::path& from) {
  std::ifstream in(from / kManifestFile);
  if (!in)
    throw core::ApiError::badRequest("--from", "no " + std::string(kManifestFile) + " in " +
                                                   from.string() + ": not an assetd backup");
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  boost::system::error_code ec;
  json::value manifest = json::parse(text, ec);
  if (ec || !manifest.is_object() || !manifest.as_object().contains("format") ||
      (manifest.as_object().at("format") != kFormat &&
       manifest.as_object().at("format") != kFormatV1))
    throw core::ApiError::badRequest("--from", from.string() + " holds no assetd backup manifest");
  return manifest.as_object();
}

// A manifest names files by plain names only: nothing it says may reach outside the backup or
// the new data directory.
std::string plainName(const json::value& value, const std::string& what) {
  std::string name(value.as_string());
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos)
    throw core::ApiError::internal("backup: the manifest names an unsafe " + what + ": " + name);
  return name;
}

// A file entry's path: the database file or keys/<name>.
std::string filePath(const json::object& entry) {
  std::string path(entry.at("path").as_string());
  std::string keys = std::string(kKeysDir) + "/";
  if (path.rfind(keys, 0) == 0)
    return keys + plainName(json::value(path.substr(keys.size())), "key file");
  return plainName(entry.at("path"), "file");
}

// Where a backup holds an object: format 1 used the key as the path, which is safe only for keys
// without empty, "." or ".." segments (all that release accepted).
fs::path objectFile(const fs::path& from, const json::object& manifest, const std::string& bucket,
                    const std::string& key) {
  fs::path dir = from / kObjectsDir / bucket;
  if (manifest.at("format") != kFormatV1) return dir / blob::layout::encodeKey(key);
  std::size_t start = 0;
  for (;;) {
    std::size_t end = std::min(key.find('/', start), key.size());
    std::string_view segment = std::string_view(key).substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..")
      throw core::ApiError::internal("backup: the manifest names an unsafe object key: " + key);
    if (end == key.size()) return dir / key;
    start = end + 1;
  }
}

bool emptyOrMissing(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
}

}  // namespace

Summary backupDataDir(const BackupRequest& request) {
  const fs::path dataDir = request.dataDir;
  const fs::path dest = request.dest;
  std::error_code ec;
  if (fs::exists(dest, ec))
    throw core::ApiError::badRequest("--to", dest.string() + " exists; name a new directory");
  const fs::path database = dataDir / request.databaseFile;
  if (!request.objectsOnly && !fs::is_regular_file(database, ec))
    throw core::ApiError::badRequest(
        "--data-dir", "no database at " + database.string() +
                          " (for records in PostgreSQL, use --objects-only and pg_dump)");
  if (!fs::is_directory(dataDir, ec))
    throw core::ApiError::badRequest("--data-dir", dataDir.string() + " is not a directory");

  Staging stage(dest);
  Summary summary;
  json::object manifest{{"format", kFormat},
                        {"createdAt", core::isoMillis(core::nowMillis())},
                        {"objectsOnly", request.objectsOnly},
                        {"database", request.databaseFile}};
  json::array fileEntries;
  // Records first: every object they refer to was stored before they were committed.
  if (!request.objectsOnly) {
    summary.records = store::sqlite::onlineBackup(database.string(),
                                                  (stage.path() / request.databaseFile).string());
    auto [size, sha256] = hashFile(stage.path() / request.databaseFile);
    fileEntries.push_back(
        json::object{{"path", request.databaseFile}, {"size", size}, {"sha256", sha256}});
  }
  fs::create_directories(stage.path() / kKeysDir);
  for (const std::string& name : request.keyFiles) {
    auto file = files::ReadOnlyFile::open(dataDir / name);
    if (!file) continue;
    std::string path = std::string(kKeysDir) + "/" + name;
    Copied copied = copyFile(*file, stage.path(), stage.path() / path);
    ::chmod((stage.path() / path).c_str(), 0600);
    fileEntries.push_back(
        json::object{{"path", path}, {"size", copied.size}, {"sha256", copied.sha256}});
    summary.keyFiles += 1;
  }
  manifest["objects"] = backupObjects(dataDir / kObjectsDir, stage.path(), summary);
  manifest["files"] = std::move(fileEntries);
  manifest["records"] = countsJson(summary.records);
  manifest["objectCount"] = summary.objects;
  manifest["objectBytes"] = summary.objectBytes;
  writeText(stage.path(), stage.path() / kManifestFile, json::serialize(manifest) + "\n");
  stage.commit();
  return summary;
}

Summary restoreDataDir(const std::string& fromDir, const std::string& dataDirName) {
  const fs::path from = fromDir;
  const fs::path dataDir = dataDirName;
  if (!emptyOrMissing(dataDir))
    throw core::ApiError::badRequest("--data-dir",
                                     dataDir.string() + " is not empty; name a new directory");
  json::object manifest = readManifest(from);
  // Every file is checked before anything is written.
  for (const auto& entry : manifest.at("files").as_array())
    checkFile(from / filePath(entry.as_object()), entry.as_object());
  for (const auto& entry : manifest.at("objects").as_array()) {
    const auto& o = entry.as_object();
    std::string key(o.at("key").as_string());
    blob::checkObjectKey(key);
    checkFile(objectFile(from, manifest, plainName(o.at("bucket"), "bucket"), key), o);
  }

  Staging stage(dataDir);
  Summary summary;
  for (const auto& entry : manifest.at("files").as_array()) {
    std::string path = filePath(entry.as_object());
    std::string name =
        path.rfind(kKeysDir, 0) == 0 ? path.substr(std::string(kKeysDir).size() + 1) : path;
    auto file = files::ReadOnlyFile::open(from / path);
    if (!file)
      throw core::ApiError::internal("backup: " + path + " vanished while it was restored");
    if (copyFile(*file, stage.path(), stage.path() / name).sha256 != entry.at("sha256").as_string())
      throw core::ApiError::internal("backup: " + path + " changed while it was restored");
    ::chmod((stage.path() / name).c_str(), 0600);
    if (path.rfind(kKeysDir, 0) == 0) summary.keyFiles += 1;
  }
  std::map<std::string, std::unique_ptr<blob::LocalBlobStore>> stores;
  for (const auto& entry : manifest.at("objects").as_array()) {
    const auto& o = entry.as_object();
    std::string bucket = plainName(o.at("bucket"), "bucket");
    std::string key(o.at("key").as_string());
    auto& store = stores[bucket];
    if (!store)
      store =
          std::make_unique<blob::LocalBlobStore>((stage.path() / kObjectsDir).string(), bucket, "");
    auto headers = s3::decodeStoredHeaders(std::string(o.at("headers").as_string()));
    if (!headers)
      throw core::ApiError::internal("backup: object " + key + " has unreadable headers");
    auto file = files::ReadOnlyFile::open(objectFile(from, manifest, bucket, key));
    if (!file) throw core::ApiError::internal("backup: object " + key + " is missing");
    std::uint64_t offset = 0;
    auto size = o.at("size").to_number<std::uint64_t>();
    store->putRecorded(
        key,
        [&](char* buffer, std::size_t n) {
          std::size_t got = file->readAt(offset, buffer, n);
          offset += got;
          return got;
        },
        size, std::string(o.at("etag").as_string()), std::string(o.at("contentType").as_string()),
        *headers);
    summary.objects += 1;
    summary.objectBytes += static_cast<std::int64_t>(size);
  }
  if (!manifest.at("objectsOnly").as_bool())
    summary.records = store::sqlite::countRecords(
        (stage.path() / plainName(manifest.at("database"), "database")).string());
  stage.commit();
  return summary;
}

std::string summaryJson(const Summary& summary, const std::string& path) {
  json::object out{{"path", path},
                   {"records", countsJson(summary.records)},
                   {"objects", summary.objects},
                   {"objectBytes", summary.objectBytes},
                   {"keyFiles", summary.keyFiles}};
  return json::serialize(out);
}

}  // namespace assetd::backup
