#pragma once
// The connections of one SQLite file: a single writer behind a mutex (SQLite allows one writer
// at a time anyway; queuing here keeps waiting out of SQLite's busy loop) and a pool of
// read-only connections that WAL lets run alongside it, each on its own snapshot.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sql/pool.hpp"
#include "store/sqlite/database.hpp"

namespace assetd::store::sqlite {

class ConnectionPool {
 public:
  // Opens the writer, applies pending migrations, then opens `readers` read-only connections.
  ConnectionPool(const std::string& path, std::size_t readers);

  class WriterLease {
   public:
    explicit WriterLease(ConnectionPool& pool) : lock_(pool.writerMutex_), db_(*pool.writer_) {}
    Database& db() { return db_; }

   private:
    std::unique_lock<std::mutex> lock_;
    Database& db_;
  };

  // Blocks until the writer is free; holding the lease is holding the write lock.
  WriterLease writer() { return WriterLease(*this); }
  // Blocks until a reader is free.
  sql::Pool<Database>::Lease reader() { return readers_.acquire(); }

 private:
  std::mutex writerMutex_;
  std::unique_ptr<Database> writer_;
  sql::Pool<Database> readers_;
};

// Per-connection settings every connection of the store uses (also used by the raw-insert
// benchmark, so both write under the same conditions).
void configureConnection(Database& db, bool writer);

}  // namespace assetd::store::sqlite
