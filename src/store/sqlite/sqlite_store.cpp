#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <thread>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace assetd::store {

std::unique_ptr<Store> openSqliteStore(const std::string& path) {
  return std::make_unique<sqlite::SqliteStore>(path);
}

}  // namespace assetd::store

namespace assetd::store::sqlite {
namespace {

std::size_t readerCount() {
  std::size_t cores = std::thread::hardware_concurrency();
  return std::clamp<std::size_t>(cores * 2, 4, 16);
}

}  // namespace

SqliteEngine::SqliteEngine(const std::string& path)
    : pool(path, readerCount()), authCache(openAuthCache(path)) {}

std::int64_t SqliteEngine::writeClock() {
  lastWriteMillis = std::max(lastWriteMillis, core::nowMillis());
  return lastWriteMillis;
}

std::optional<Store::KeyAndProject> SqliteEngine::readApiKeyAndProject(
    const std::string& keyHash, const std::string& projectId) {
  // One statement is one read transaction: half the snapshot cost of two lookups.
  auto reader = pool.reader();
  auto q = reader.get().prepare(
      "SELECT k.id, k.organization_id, k.name, EXISTS (SELECT 1 FROM projects p"
      " WHERE p.id = ?2 AND p.organization_id = k.organization_id AND p.deleted = 0)"
      " FROM api_keys k WHERE k.key_hash = ?1 AND k.revoked = 0");
  q->bindText(1, keyHash);
  q->bindText(2, projectId);
  if (!q->step()) return std::nullopt;
  return Store::KeyAndProject{{q->text(0), q->text(1), q->text(2)}, q->boolean(3)};
}

}  // namespace assetd::store::sqlite

// The engine's names, for the store's methods below (specializations of sql::SqlStore).
namespace assetd::store::sql {
using namespace sqlite;

template <>
core::Organization SqliteStore::createOrganization(const std::string& name) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  core::Organization org{core::newObjectId(), name, engine_.writeClock()};
  auto q = db.prepare("INSERT INTO organizations (id, name, created_at) VALUES (?1, ?2, ?3)");
  q->bindText(1, org.id);
  q->bindText(2, org.name);
  q->bindInt(3, org.createdAt);
  q->run();
  tx.commit();
  return org;
}

template <>
std::optional<core::Organization> SqliteStore::getOrganization(const std::string& id) {
  auto reader = engine_.pool.reader();
  auto q = reader.get().prepare("SELECT id, name, created_at FROM organizations WHERE id = ?1");
  q->bindText(1, id);
  if (!q->step()) return std::nullopt;
  return core::Organization{q->text(0), q->text(1), q->integer(2)};
}

template <>
std::string SqliteStore::createApiKey(const std::string& organizationId, const std::string& name,
                                      const std::string& keyHash) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto org = db.prepare("SELECT 1 FROM organizations WHERE id = ?1");
  org->bindText(1, organizationId);
  if (!org->step()) throw core::ApiError::notFound("organization " + organizationId);
  auto existing = db.prepare("SELECT 1 FROM api_keys WHERE key_hash = ?1");
  existing->bindText(1, keyHash);
  if (existing->step()) throw core::ApiError::conflict("an api key with this hash already exists");
  std::string id = core::newObjectId();
  auto q = db.prepare(
      "INSERT INTO api_keys (id, organization_id, name, key_hash, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5)");
  q->bindText(1, id);
  q->bindText(2, organizationId);
  q->bindText(3, name);
  q->bindText(4, keyHash);
  q->bindInt(5, engine_.writeClock());
  q->run();
  tx.commit();
  return id;
}

template <>
bool SqliteStore::revokeApiKey(const std::string& keyId) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto q = db.prepare("UPDATE api_keys SET revoked = 1 WHERE id = ?1 AND revoked = 0");
  q->bindText(1, keyId);
  q->run();
  bool revoked = db.changes() > 0;
  tx.commit();
  if (revoked && engine_.authCache) engine_.authCache->invalidate();
  return revoked;
}

template <>
std::optional<core::ApiKeyInfo> SqliteStore::findApiKey(const std::string& keyHash) {
  auto reader = engine_.pool.reader();
  auto q = reader.get().prepare(
      "SELECT id, organization_id, name FROM api_keys WHERE key_hash = ?1 AND revoked = 0");
  q->bindText(1, keyHash);
  if (!q->step()) return std::nullopt;
  return core::ApiKeyInfo{q->text(0), q->text(1), q->text(2)};
}

template <>
std::optional<Store::KeyAndProject> SqliteStore::findApiKeyAndProject(
    const std::string& keyHash, const std::string& projectId) {
  if (!engine_.authCache) return engine_.readApiKeyAndProject(keyHash, projectId);
  // Read before the database: a change committed after this read bumps it past `generation`.
  std::uint64_t generation = engine_.authCache->generation();
  if (auto known = engine_.authCache->find(keyHash, projectId, generation)) return known;
  auto found = engine_.readApiKeyAndProject(keyHash, projectId);
  if (found) engine_.authCache->remember(keyHash, projectId, *found, generation);
  return found;
}

}  // namespace assetd::store::sql
