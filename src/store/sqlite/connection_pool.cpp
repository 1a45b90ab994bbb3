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

ConnectionPool::ConnectionPool(const std::string& path, std::size_t readers) {
  writer_ = std::make_unique<Database>(path, Database::Mode::ReadWrite);
  configureConnection(*writer_, true);
  applyMigrations(*writer_, migrations());
  for (std::size_t i = 0; i < readers; ++i) {
    auto db = std::make_unique<Database>(path, Database::Mode::ReadOnly);
    configureConnection(*db, false);
    idleReaders_.push_back(std::move(db));
  }
}

ConnectionPool::ReaderLease ConnectionPool::reader() {
  std::unique_lock lock(readersMutex_);
  readerFreed_.wait(lock, [this] { return !idleReaders_.empty(); });
  auto db = std::move(idleReaders_.back());
  idleReaders_.pop_back();
  return ReaderLease(*this, std::move(db));
}

void ConnectionPool::release(std::unique_ptr<Database> db) {
  {
    std::lock_guard lock(readersMutex_);
    idleReaders_.push_back(std::move(db));
  }
  readerFreed_.notify_one();
}

}  // namespace assetd::store::sqlite
