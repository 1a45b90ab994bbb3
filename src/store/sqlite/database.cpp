#include "store/sqlite/database.hpp"

#include <limits>

#include "core/error.hpp"
#include "store/sql/db_metrics.hpp"

namespace assetd::store::sqlite {
namespace {

// Dynamic SQL (filters) varies with the request; past this many cached statements, idle ones
// are dropped so the cache cannot grow without bound.
constexpr std::size_t kMaxCachedStatements = 256;

// A database that stayed locked through the busy timeout is usually free again soon.
constexpr int kRetryAfterSeconds = 5;

int textLength(std::string_view text, sqlite3* db) {
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throwSqliteError(db, SQLITE_TOOBIG, "binding text");
  return static_cast<int>(text.size());
}

}  // namespace

core::ApiError sqliteError(int rc, int systemErrno, const std::string& detail) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return core::ApiError::insufficientStorage(detail);
    case SQLITE_IOERR:
      if (core::isNoSpace(systemErrno)) return core::ApiError::insufficientStorage(detail);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return core::ApiError::unavailable("the database is locked", detail, kRetryAfterSeconds);
    case SQLITE_CANTOPEN:
      return core::ApiError::unavailable("the database cannot be opened", detail,
                                         kRetryAfterSeconds);
    default:
      break;
  }
  return core::ApiError::internal(detail);
}

void throwSqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message = "database error (";
  message += what;
  message += "): ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  static metrics::Counter& errors = sql::statementErrors("sqlite");
  errors.inc();
  throw sqliteError(rc, db != nullptr ? sqlite3_system_errno(db) : 0, message);
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) throwSqliteError(db, rc, "prepare");
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::check(int rc, std::string_view what) const {
  if (rc != SQLITE_OK) throwSqliteError(db_, rc, what);
}

void Statement::bindText(int index, std::string_view text) {
  // A non-null pointer even for "" so that empty text binds as '' and not NULL.
  const char* data = text.data() != nullptr ? text.data() : "";
  check(sqlite3_bind_text(stmt_, index, data, textLength(text, db_), SQLITE_STATIC), "bind");
}

void Statement::bindTextOrNull(int index, std::string_view text) {
  if (text.empty())
    bindNull(index);
  else
    bindText(index, text);
}

void Statement::bindInt(int index, std::int64_t value) {
  check(sqlite3_bind_int64(stmt_, index, value), "bind");
}

void Statement::bindDouble(int index, double value) {
  check(sqlite3_bind_double(stmt_, index, value), "bind");
}

void Statement::bindNull(int index) {
  check(sqlite3_bind_null(stmt_, index), "bind");
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throwSqliteError(db_, rc, "step");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::text(int column) const {
  const auto* chars = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (chars == nullptr) return {};
  return std::string(chars, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

StatementRef::~StatementRef() {
  if (statement_) statement_->reset();
}

Database::Database(const std::string& path, Mode mode) {
  // Each connection is used by one thread at a time (the pool hands it out), so SQLite's own
  // per-connection mutex is not needed.
  int flags =
      SQLITE_OPEN_NOMUTEX |
      (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path + ": " +
                          (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    int systemErrno = db_ != nullptr ? sqlite3_system_errno(db_) : 0;
    sqlite3_close_v2(db_);
    throw sqliteError(rc, systemErrno, message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close_v2(db_);
}

void Database::exec(const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    sql::statementErrors("sqlite").inc();
    throw sqliteError(rc, sqlite3_system_errno(db_), "database error (exec): " + message);
  }
}

StatementRef Database::prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    if (it->second.use_count() == 1) return StatementRef(it->second);
    return StatementRef(std::make_shared<Statement>(db_, sql));
  }
  if (cache_.size() >= kMaxCachedStatements)
    std::erase_if(cache_, [](const auto& entry) { return entry.second.use_count() == 1; });
  auto statement = std::make_shared<Statement>(db_, sql);
  cache_.emplace(std::move(key), statement);
  return StatementRef(std::move(statement));
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(db_);
}

bool Database::inTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

Transaction::Transaction(Database& db, Kind kind) : db_(db) {
  db_.prepare(kind == Kind::Write ? "BEGIN IMMEDIATE" : "BEGIN")->run();
}

Transaction::~Transaction() {
  if (!open_ || !db_.inTransaction()) return;  // some errors already rolled back
  try {
    db_.prepare("ROLLBACK")->run();
  } catch (...) {
    // Nothing more can be done; the connection stays usable or reports it on next use.
  }
}

void Transaction::commit() {
  db_.prepare("COMMIT")->run();
  open_ = false;
}

}  // namespace assetd::store::sqlite
