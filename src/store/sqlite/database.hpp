#pragma once
// A thin RAII layer over the SQLite C API: one connection, prepared statements (cached per
// connection by their SQL text) and a transaction guard. Every failure throws core::ApiError
// (sqliteError: 500, or 507 / 503 for a full disk / a locked database), so callers never look at
// result codes.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"

namespace assetd::store::sqlite {

// The ApiError for the (extended) result code `rc`, whose operating system error was
// `systemErrno`: 507 for a full disk (SQLITE_FULL, or an I/O error with ENOSPC), 503 with
// Retry-After for a database that is locked past the busy timeout or cannot be opened, 500
// otherwise. `detail` (SQLite's message) goes to the log.
core::ApiError sqliteError(int rc, int systemErrno, const std::string& detail);

// Throws sqliteError for result code `rc` on `db`, mentioning `what`.
[[noreturn]] void throwSqliteError(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters count from 1. Text is bound without a copy, so it must stay alive and unchanged
  // until the statement is reset; temporaries are refused at compile time.
  void bindText(int index, std::string_view text);
  void bindText(int index, const char* text) { bindText(index, std::string_view(text)); }
  void bindText(int index, std::string&& text) = delete;
  // Empty text is bound as NULL (the store's "absent").
  void bindTextOrNull(int index, std::string_view text);
  void bindTextOrNull(int index, const char* text) {
    bindTextOrNull(index, std::string_view(text));
  }
  void bindTextOrNull(int index, std::string&& text) = delete;
  void bindInt(int index, std::int64_t value);
  void bindDouble(int index, double value);
  void bindBool(int index, bool value) { bindInt(index, value ? 1 : 0); }
  void bindNull(int index);

  // true when a row is ready, false when the statement is done.
  bool step();
  // Steps a statement that returns no rows.
  void run();
  void reset();

  bool isNull(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  bool boolean(int column) const { return integer(column) != 0; }
  // NULL reads as the empty string.
  std::string text(int column) const;

 private:
  void check(int rc, std::string_view what) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A statement borrowed from a connection's cache; reset (bindings cleared) when it goes away.
class StatementRef {
 public:
  explicit StatementRef(std::shared_ptr<Statement> statement) : statement_(std::move(statement)) {}
  ~StatementRef();
  StatementRef(StatementRef&&) = default;
  StatementRef& operator=(StatementRef&&) = delete;
  StatementRef(const StatementRef&) = delete;
  StatementRef& operator=(const StatementRef&) = delete;

  Statement* operator->() const { return statement_.get(); }
  Statement& operator*() const { return *statement_; }

 private:
  std::shared_ptr<Statement> statement_;
};

class Database {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  Database(const std::string& path, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that take no parameters.
  void exec(const char* sql);
  // A prepared statement for `sql`, from this connection's cache. A statement already in use
  // (a nested query with the same text) gets a fresh, uncached copy.
  StatementRef prepare(std::string_view sql);
  std::int64_t changes() const;
  bool inTransaction() const;
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::shared_ptr<Statement>> cache_;
};

// BEGIN (Read: deferred, one consistent snapshot) or BEGIN IMMEDIATE (Write: takes the write
// lock up front, so it waits on busy_timeout instead of failing later). Rolls back unless
// committed.
class Transaction {
 public:
  enum class Kind { Read, Write };
  Transaction(Database& db, Kind kind);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace assetd::store::sqlite
