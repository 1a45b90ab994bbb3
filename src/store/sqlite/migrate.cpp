#include "core/time.hpp"
#include "store/sqlite/migrations.hpp"

namespace assetd::store::sqlite {
namespace {

void createVersionTable(Database& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY,"
      " name TEXT NOT NULL,"
      " applied_at INTEGER NOT NULL)");
}

bool isApplied(Database& db, int version) {
  auto q = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?1");
  q->bindInt(1, version);
  return q->step();
}

}  // namespace

int schemaVersion(Database& db) {
  createVersionTable(db);
  auto q = db.prepare("SELECT IFNULL(MAX(version), 0) FROM schema_migrations");
  q->step();
  return static_cast<int>(q->integer(0));
}

void applyMigrations(Database& db, const std::vector<sql::Migration>& all) {
  for (const sql::Migration* m : sql::pendingMigrations(all, schemaVersion(db))) {
    Transaction tx(db, Transaction::Kind::Write);
    if (isApplied(db, m->version)) continue;  // another process got there first
    db.exec(m->sql);
    auto record =
        db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)");
    record->bindInt(1, m->version);
    record->bindText(2, m->name);
    record->bindInt(3, core::nowMillis());
    record->run();
    tx.commit();
  }
}

}  // namespace assetd::store::sqlite
