// Storage integrations: a customer's bucket and its sealed credentials.
#include "core/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace assetd::store::sqlite {
namespace {

constexpr const char* kStorageColumns =
    "id, organization_id, name, provider, bucket, region, endpoint, created_at";

core::Storage readStorage(const Statement& row) {
  core::Storage s;
  s.id = row.columnText(0);
  s.organization = row.columnText(1);
  s.name = row.columnText(2);
  s.provider = row.columnText(3);
  s.bucket = row.columnText(4);
  s.region = row.columnText(5);
  s.endpoint = row.columnText(6);
  s.createdAt = row.columnInt(7);
  return s;
}

}  // namespace

core::Storage SqliteStore::createStorage(const std::string& org, const core::NewStorage& s) {
  auto writer = pool_.writer();
  Database& db = writer.db();
  Transaction tx(db, Transaction::Kind::Write);
  auto orgExists = db.prepare("SELECT 1 FROM organizations WHERE id = ?1");
  orgExists->bindText(1, org);
  if (!orgExists->step()) throw core::ApiError::notFound("organization " + org);

  core::Storage storage{.id = s.id,
                        .organization = org,
                        .name = s.name,
                        .provider = s.provider,
                        .bucket = s.bucket,
                        .region = s.region,
                        .endpoint = s.endpoint,
                        .sealedCredentials = {},
                        .createdAt = writeClock()};
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

std::vector<core::Storage> SqliteStore::listStorages(const std::string& org,
                                                     const std::optional<std::string>& id) {
  auto reader = pool_.reader();
  Database& db = reader.db();
  Transaction tx(db, Transaction::Kind::Read);
  auto q = db.prepare(std::string("SELECT ") + kStorageColumns +
                      " FROM storages WHERE organization_id = ?1 AND deleted = 0"
                      " AND (?2 IS NULL OR id = ?2) ORDER BY created_at, id");
  q->bindText(1, org);
  if (id)
    q->bindText(2, *id);
  else
    q->bindNull(2);
  std::vector<core::Storage> out;
  while (q->step()) out.push_back(readStorage(*q));
  return out;
}

std::optional<core::Storage> SqliteStore::getStorage(const std::string& org,
                                                     const std::string& id) {
  auto reader = pool_.reader();
  Database& db = reader.db();
  Transaction tx(db, Transaction::Kind::Read);
  auto q = db.prepare(std::string("SELECT ") + kStorageColumns +
                      ", sealed_credentials FROM storages"
                      " WHERE id = ?1 AND organization_id = ?2 AND deleted = 0");
  q->bindText(1, id);
  q->bindText(2, org);
  if (!q->step()) return std::nullopt;
  core::Storage storage = readStorage(*q);
  storage.sealedCredentials = q->columnText(8);
  return storage;
}

bool SqliteStore::deleteStorage(const std::string& org, const std::string& id) {
  auto writer = pool_.writer();
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

}  // namespace assetd::store::sqlite
