#pragma once
// A consistent copy of a SQLite database that other processes (a running server) keep reading
// and writing, with SQLite's online backup API.
#include <cstdint>
#include <string>

namespace assetd::store::sqlite {

// What a copied database holds: the live rows a restore must bring back.
struct RecordCounts {
  std::int64_t organizations = 0;
  std::int64_t projects = 0;  // live ones
  std::int64_t assets = 0;    // live assets of live projects
  std::int64_t storages = 0;
  std::int64_t apiKeys = 0;  // not revoked
};

// Copies the database at `source` into `dest` (a new file) as one committed state: the copy is
// made in a single backup step under one read transaction, so writers that commit meanwhile
// (WAL mode lets them) are either wholly in it or wholly out of it. The copy is checked with
// `PRAGMA integrity_check` and synced to disk. Returns its counts. Throws core::ApiError 500
// when the source cannot be opened or read, or `dest` cannot be written (a partial `dest` is
// removed).
RecordCounts onlineBackup(const std::string& source, const std::string& dest);

// The counts of a database file (for instance one just restored). Throws core::ApiError 500
// when it cannot be opened or is not an assetd database.
RecordCounts countRecords(const std::string& path);

}  // namespace assetd::store::sqlite
