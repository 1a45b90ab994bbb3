#include "store/postgres/postgres_store.hpp"

#include <algorithm>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/postgres/migrations.hpp"

namespace assetd::store {

std::unique_ptr<Store> openPostgresStore(const std::string& url, int poolSize) {
  return std::make_unique<postgres::PostgresStore>(url,
                                                   static_cast<std::size_t>(std::max(poolSize, 1)));
}

}  // namespace assetd::store

namespace assetd::store::postgres {
namespace detail {
namespace {

// A restarting database server usually accepts connections again within seconds.
constexpr int kRetryAfterSeconds = 5;

}  // namespace

bool retryable(const PgError& e, bool commitSent) {
  if (e.is("40001") || e.is("40P01")) return true;  // serialization failure, deadlock
  return e.connectionLost() && !commitSent;
}

void begin(Connection& conn, bool readOnly) {
  conn.script(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
}

void rollbackQuietly(Connection& conn) {
  try {
    if (conn.healthy()) conn.script("ROLLBACK");
  } catch (...) {  // the connection is reset before its next use
  }
}

void fail(const PgError& e, bool commitSent) {
  std::string detail = std::string("database error: ") + e.what();
  // Class 08 is a connection exception; 57P01-57P03: the server shuts down or is starting.
  bool unreachable = e.connectionLost() || e.sqlstate().starts_with("08") || e.is("57P01") ||
                     e.is("57P02") || e.is("57P03");
  // A connection lost after COMMIT was sent leaves the outcome unknown: not safe to retry.
  if (unreachable && !commitSent)
    throw core::ApiError::unavailable("the database cannot be reached", detail, kRetryAfterSeconds);
  if (e.is("53100")) throw core::ApiError::insufficientStorage(detail);  // disk_full
  throw core::ApiError::internal(detail);
}

}  // namespace detail

namespace {

// Migrates, then opens all `size` connections up front, so that a wrong URL fails at start.
std::vector<std::unique_ptr<Connection>> openConnections(const std::string& url, std::size_t size) {
  try {
    Connection admin(url);
    applyMigrations(admin, migrations());
    std::vector<std::unique_ptr<Connection>> connections;
    for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i)
      connections.push_back(std::make_unique<Connection>(url));
    return connections;
  } catch (const PgError& e) {
    throw core::ApiError::internal(e.what());
  }
}

}  // namespace

PostgresEngine::PostgresEngine(const std::string& url, std::size_t poolSize)
    : pool(openConnections(url, poolSize)) {}

std::int64_t PostgresEngine::writeClock() {
  std::int64_t now = core::nowMillis();
  std::int64_t last = lastWriteMillis.load();
  while (now > last && !lastWriteMillis.compare_exchange_weak(last, now)) {
  }
  return std::max(now, last);
}

}  // namespace assetd::store::postgres

// The engine's names, for the store's methods below (specializations of sql::SqlStore).
namespace assetd::store::sql {
using namespace postgres;

template <>
core::Organization PostgresStore::createOrganization(const std::string& name) {
  core::Organization org{core::newObjectId(), name, engine_.writeClock()};
  return engine_.run(Mode::Write, [&](Connection& conn) {
    conn.exec("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)",
              Params().text(org.id).text(org.name).integer(org.createdAt));
    return org;
  });
}

template <>
std::optional<core::Organization> PostgresStore::getOrganization(const std::string& id) {
  return engine_.run(Mode::Single, [&](Connection& conn) -> std::optional<core::Organization> {
    auto rows = conn.execPrepared("SELECT id, name, created_at FROM organizations WHERE id = $1",
                                  Params().text(id));
    if (rows.rows() == 0) return std::nullopt;
    return core::Organization{rows.text(0, 0), rows.text(0, 1), rows.integer(0, 2)};
  });
}

template <>
std::string PostgresStore::createApiKey(const std::string& organizationId, const std::string& name,
                                        const std::string& keyHash) {
  const std::string id = core::newObjectId();
  const std::int64_t now = engine_.writeClock();
  return engine_.run(Mode::Write, [&](Connection& conn) {
    if (conn.exec("SELECT 1 FROM organizations WHERE id = $1", Params().text(organizationId))
            .rows() == 0)
      throw core::ApiError::notFound("organization " + organizationId);
    auto inserted = conn.exec(
        "INSERT INTO api_keys (id, organization_id, name, key_hash, created_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_hash) DO NOTHING",
        Params().text(id).text(organizationId).text(name).text(keyHash).integer(now));
    if (inserted.affected() == 0)
      throw core::ApiError::conflict("an api key with this hash already exists");
    return id;
  });
}

template <>
bool PostgresStore::revokeApiKey(const std::string& keyId) {
  return engine_.run(Mode::Write, [&](Connection& conn) {
    return conn.exec("UPDATE api_keys SET revoked = true WHERE id = $1 AND NOT revoked",
                     Params().text(keyId))
               .affected() > 0;
  });
}

template <>
std::optional<core::ApiKeyInfo> PostgresStore::findApiKey(const std::string& keyHash) {
  return engine_.run(Mode::Single, [&](Connection& conn) -> std::optional<core::ApiKeyInfo> {
    auto rows = conn.execPrepared(
        "SELECT id, organization_id, name FROM api_keys WHERE key_hash = $1 AND NOT revoked",
        Params().text(keyHash));
    if (rows.rows() == 0) return std::nullopt;
    return core::ApiKeyInfo{rows.text(0, 0), rows.text(0, 1), rows.text(0, 2)};
  });
}

template <>
std::optional<Store::KeyAndProject> PostgresStore::findApiKeyAndProject(
    const std::string& keyHash, const std::string& projectId) {
  // One statement, one round trip: no transaction around two lookups.
  return engine_.run(Mode::Single, [&](Connection& conn) -> std::optional<KeyAndProject> {
    auto rows = conn.execPrepared(
        "SELECT k.id, k.organization_id, k.name, EXISTS (SELECT 1 FROM projects p"
        " WHERE p.id = $2 AND p.organization_id = k.organization_id AND NOT p.deleted)"
        " FROM api_keys k WHERE k.key_hash = $1 AND NOT k.revoked",
        Params().text(keyHash).text(projectId));
    if (rows.rows() == 0) return std::nullopt;
    return KeyAndProject{{rows.text(0, 0), rows.text(0, 1), rows.text(0, 2)}, rows.boolean(0, 3)};
  });
}

}  // namespace assetd::store::sql
