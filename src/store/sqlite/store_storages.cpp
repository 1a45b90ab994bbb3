// Storage integrations: a customer's bucket and its sealed credentials.
#include "core/error.hpp"
#include "store/sql/records.hpp"
#include "store/sqlite/sqlite_store.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace sqlite;

template <>
core::Storage SqliteStore::createStorage(const std::string& org, const core::NewStorage& s) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto orgExists = db.prepare("SELECT 1 FROM organizations WHERE id = ?1");
  orgExists->bindText(1, org);
  if (!orgExists->step()) throw core::ApiError::notFound("organization " + org);

  core::Storage storage = sql::newStorage(org, s, engine_.writeClock());
  auto q = db.prepare(
      "INSERT INTO storages (id, organization_id, name, provider, bucket, region, endpoint,"
      " sealed_credentials, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  q->bindText(1, storage.id);
  q->bindText(2, org);
  q->bindText(3, storage.name);
  q->bindText(4, storage.provider);
  q->bindText(5, storage.bucket);
  q->bindText(6, storage.region);
  q->bindText(7, storage.endpoint);
  q->bindText(8, s.sealedCredentials);
  q->bindInt(9, storage.createdAt);
  q->run();
  tx.commit();
  return storage;
}

template <>
std::vector<core::Storage> SqliteStore::listStorages(const std::string& org,
                                                     const std::optional<std::string>& id) {
  auto reader = engine_.pool.reader();
  Database& db = reader.get();
  Transaction tx(db, Transaction::Kind::Read);
  auto q = db.prepare(std::string("SELECT ") + sql::kStorageColumns +
                      " FROM storages WHERE organization_id = ?1 AND deleted = 0"
                      " AND (?2 IS NULL OR id = ?2) ORDER BY created_at, id");
  q->bindText(1, org);
  if (id)
    q->bindText(2, *id);
  else
    q->bindNull(2);
  std::vector<core::Storage> out;
  while (q->step()) out.push_back(sql::readStorage(*q));
  return out;
}

template <>
std::optional<core::Storage> SqliteStore::getStorage(const std::string& org,
                                                     const std::string& id) {
  auto reader = engine_.pool.reader();
  Database& db = reader.get();
  Transaction tx(db, Transaction::Kind::Read);
  auto q = db.prepare(std::string("SELECT ") + sql::kStorageColumns +
                      ", sealed_credentials FROM storages"
                      " WHERE id = ?1 AND organization_id = ?2 AND deleted = 0");
  q->bindText(1, id);
  q->bindText(2, org);
  if (!q->step()) return std::nullopt;
  core::Storage storage = sql::readStorage(*q);
  storage.sealedCredentials = q->text(8);
  return storage;
}

template <>
bool SqliteStore::deleteStorage(const std::string& org, const std::string& id) {
  auto writer = engine_.pool.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  // The secrets go with the storage: a deleted record keeps only what it was.
  auto q = db.prepare(
      "UPDATE storages SET deleted = 1, sealed_credentials = ''"
      " WHERE id = ?1 AND organization_id = ?2 AND deleted = 0");
  q->bindText(1, id);
  q->bindText(2, org);
  q->run();
  if (db.changes() == 0) return false;
  tx.commit();
  return true;
}

}  // namespace assetd::store::sql
