#include "store/sqlite/connection_pool.hpp"

#include "store/sqlite/migrations.hpp"

namespace assetd::store::sqlite {
namespace {

// Admin commands share the file with a running server; a large import holds the write lock
// for a while, and they must wait for it rather than fail.
constexpr int kBusyTimeoutMillis = 30000;

}  // namespace

void configureConnection(Database& db, bool writer) {
  sqlite3_busy_timeout(db.handle(), kBusyTimeoutMillis);
  if (writer) db.exec("PRAGMA journal_mode = WAL");  // persistent: readers inherit it
  db.exec(
      "PRAGMA foreign_keys = ON;"
      "PRAGMA synchronous = NORMAL;"  // durable across crashes of the process; WAL keeps it safe
      "PRAGMA cache_size = -32768;"   // 32 MiB of page cache per connection
      "PRAGMA temp_store = MEMORY;");
}

namespace {

std::unique_ptr<Database> openWriter(const std::string& path) {
  auto db = std::make_unique<Database>(path, Database::Mode::ReadWrite);
  configureConnection(*db, true);
  applyMigrations(*db, migrations());
  return db;
}

std::vector<std::unique_ptr<Database>> openReaders(const std::string& path, std::size_t count) {
  std::vector<std::unique_ptr<Database>> readers;
  for (std::size_t i = 0; i < count; ++i) {
    readers.push_back(std::make_unique<Database>(path, Database::Mode::ReadOnly));
    configureConnection(*readers.back(), false);
  }
  return readers;
}

}  // namespace

// The writer first: it creates the file and applies migrations before any reader opens it.
ConnectionPool::ConnectionPool(const std::string& path, std::size_t readers)
    : writer_(openWriter(path)), readers_(openReaders(path, readers)) {}

}  // namespace assetd::store::sqlite
