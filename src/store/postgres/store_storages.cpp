// Storage integrations: a customer's bucket and its sealed credentials.
#include "store/postgres/postgres_store.hpp"
#include "store/sql/records.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace postgres;

template <>
core::Storage PostgresStore::createStorage(const std::string& org, const core::NewStorage& s) {
  const core::Storage storage = sql::newStorage(org, s, engine_.writeClock());
  return engine_.run(Mode::Write, [&](Connection& conn) {
    if (conn.exec("SELECT 1 FROM organizations WHERE id = $1", Params().text(org)).rows() == 0)
      throw core::ApiError::notFound("organization " + org);
    conn.exec(
        "INSERT INTO storages (id, organization_id, name, provider, bucket, region, endpoint,"
        " sealed_credentials, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        Params()
            .text(storage.id)
            .text(org)
            .text(storage.name)
            .text(storage.provider)
            .text(storage.bucket)
            .text(storage.region)
            .text(storage.endpoint)
            .text(s.sealedCredentials)
            .integer(storage.createdAt));
    return storage;
  });
}

template <>
std::vector<core::Storage> PostgresStore::listStorages(const std::string& org,
                                                       const std::optional<std::string>& id) {
  return engine_.run(Mode::Single, [&](Connection& conn) {
    Params params;
    params.text(org);
    if (id)
      params.text(*id);
    else
      params.null();
    auto rows = conn.execPrepared(std::string("SELECT ") + sql::kStorageColumns +
                                      " FROM storages WHERE organization_id = $1 AND NOT deleted"
                                      " AND ($2::text IS NULL OR id = $2::text)"
                                      " ORDER BY created_at, id",
                                  params);
    std::vector<core::Storage> out;
    for (int r = 0; r < rows.rows(); ++r) out.push_back(sql::readStorage(rows.row(r)));
    return out;
  });
}

template <>
std::optional<core::Storage> PostgresStore::getStorage(const std::string& org,
                                                       const std::string& id) {
  return engine_.run(Mode::Single, [&](Connection& conn) -> std::optional<core::Storage> {
    auto rows = conn.execPrepared(std::string("SELECT ") + sql::kStorageColumns +
                                      ", sealed_credentials FROM storages"
                                      " WHERE id = $1 AND organization_id = $2 AND NOT deleted",
                                  Params().text(id).text(org));
    if (rows.rows() == 0) return std::nullopt;
    core::Storage storage = sql::readStorage(rows.row(0));
    storage.sealedCredentials = rows.text(0, 8);
    return storage;
  });
}

template <>
bool PostgresStore::deleteStorage(const std::string& org, const std::string& id) {
  return engine_.run(Mode::Write, [&](Connection& conn) {
    // The secrets go with the storage: a deleted record keeps only what it was.
    return conn.exec(
                   "UPDATE storages SET deleted = true, sealed_credentials = ''"
                   " WHERE id = $1 AND organization_id = $2 AND NOT deleted",
                   Params().text(id).text(org))
               .affected() > 0;
  });
}

}  // namespace assetd::store::sql
