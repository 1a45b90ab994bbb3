#pragma once
// Backups of a data directory, taken while a server runs on it, and data directories rebuilt
// from them (`assetd admin backup` / `assetd admin restore`).
//
// A backup is a directory:
//   manifest.json        format, time, record counts, and every file and object with its size
//                        and SHA-256 (objects also with ETag, content type and kept headers)
//   assetd.db            the SQLite records, one committed state (absent with objectsOnly)
//   keys/<name>          the data directory's key files as they were (master key, the built-in
//                        S3 endpoint's credentials)
//   objects/<bucket>/<key>  the bodies of the built-in object store
// It is written under a temporary name beside the destination and renamed into place when
// complete, so a directory at the destination is always a whole backup.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/online_backup.hpp"

namespace assetd::backup {

inline constexpr const char* kManifestFile = "manifest.json";
// Format 2 holds each object at objects/<bucket>/<layout::encodeKey(key)>; format 1 (earlier
// releases, still restored) held it at objects/<bucket>/<key>.
inline constexpr const char* kFormat = "assetd-backup 2";
inline constexpr const char* kFormatV1 = "assetd-backup 1";

struct BackupRequest {
  std::string dataDir;
  std::string dest;
  // The records' file in the data directory (restored under the same name).
  std::string databaseFile = "assetd.db";
  // The records live elsewhere (PostgreSQL, backed up with pg_dump or PITR): keys and objects
  // only.
  bool objectsOnly = false;
  // Names of files directly in the data directory copied as they are when present.
  std::vector<std::string> keyFiles;
};

// What a backup holds, or what a restore brought back.
struct Summary {
  std::optional<store::sqlite::RecordCounts> records;  // none for objectsOnly
  std::int64_t objects = 0;
  std::int64_t objectBytes = 0;
  std::int64_t keyFiles = 0;
};

// Takes the backup. The records are copied first (one committed state, beside running
// writers), then the objects: every object acknowledged before the copy of the records began
// is in the backup, each body whole with the metadata it was stored with (bodies are replaced
// by rename, never rewritten in place). Multipart uploads still in progress are not objects
// and are not copied. Throws core::ApiError 400 when `dest` exists or the data directory has
// no database (without objectsOnly), 500 on a failure to read or write (nothing is left at
// `dest` then).
Summary backupDataDir(const BackupRequest& request);

// Rebuilds a data directory at `dataDir` (which must not exist, or be an empty directory)
// from the backup at `from`. Every file and object is checked against the manifest's size and
// SHA-256 before anything is written; the directory is assembled under a temporary name and
// renamed into place, so `dataDir` is either complete or absent. Throws core::ApiError 400 for
// a missing or foreign manifest or a non-empty `dataDir`, 500 for a backup that fails its
// checks or a failure to write.
Summary restoreDataDir(const std::string& from, const std::string& dataDir);

// The summary as one JSON object (what the admin commands print).
std::string summaryJson(const Summary& summary, const std::string& path);

}  // namespace assetd::backup
