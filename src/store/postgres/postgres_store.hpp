#pragma once
// The PostgreSQL store, for many stateless nodes on one database: SqlStore
// (store/sql/sql_store.hpp) on PostgresEngine. Each method is one transaction on a pooled
// connection: writes in READ COMMITTED with explicit row locks (the project row orders the
// writers of a project), reads in one REPEATABLE READ snapshot. Deadlocks and serialization
// failures are retried a few times, and so is a transaction whose connection broke before it
// could commit.
#include <atomic>
#include <string>
#include <type_traits>

#include "core/error.hpp"
#include "store/postgres/connection.hpp"
#include "store/sql/pool.hpp"
#include "store/sql/sql_store.hpp"

namespace assetd::store::postgres {

struct PostgresEngine {
  // Connects, applies pending migrations under an advisory lock, and opens `poolSize`
  // connections. Throws ApiError 500 when the database cannot be reached or migrated.
  PostgresEngine(const std::string& url, std::size_t poolSize);

  enum class Mode {
    Single,  // one statement, no explicit transaction
    Read,    // BEGIN REPEATABLE READ READ ONLY: one snapshot for several statements
    Write,   // BEGIN (READ COMMITTED) with explicit row locks
  };

  // Runs `body(Connection&)` in a transaction of `mode` and returns what it returns, retrying
  // the whole body on a deadlock, a serialization failure, or a connection lost before COMMIT.
  // Database errors that remain become ApiErrors (detail::fail: 503 with Retry-After while the
  // database cannot be reached, 507 when its disk is full, else 500); ApiErrors pass through
  // (rolled back).
  template <class Body>
  std::invoke_result_t<Body&, Connection&> run(Mode mode, Body&& body);

  // The time of a write: never earlier than this process's previous write.
  std::int64_t writeClock();

  // A connection that broke (server restart, network) is reconnected before it is used again.
  sql::Pool<Connection> pool;
  std::atomic<std::int64_t> lastWriteMillis{0};
};

using Mode = PostgresEngine::Mode;
using PostgresStore = sql::SqlStore<PostgresEngine>;

namespace detail {
bool retryable(const PgError& e, bool commitSent);
void begin(Connection& conn, bool readOnly);
void rollbackQuietly(Connection& conn);
[[noreturn]] void fail(const PgError& e, bool commitSent);
}  // namespace detail

template <class Body>
std::invoke_result_t<Body&, Connection&> PostgresEngine::run(Mode mode, Body&& body) {
  constexpr int kMaxAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    auto lease = pool.acquire();
    Connection& conn = lease.get();
    if (!conn.healthy()) conn.reset();  // a failed reset shows as an error on first use
    bool commitSent = false;
    try {
      if (mode == Mode::Single) return body(conn);
      detail::begin(conn, mode == Mode::Read);
      auto result = body(conn);
      commitSent = true;
      conn.script("COMMIT");
      return result;
    } catch (const PgError& e) {
      if (mode != Mode::Single) detail::rollbackQuietly(conn);
      if (attempt < kMaxAttempts && detail::retryable(e, commitSent)) continue;
      detail::fail(e, commitSent);
    } catch (...) {
      if (mode != Mode::Single) detail::rollbackQuietly(conn);
      throw;
    }
  }
}

}  // namespace assetd::store::postgres
