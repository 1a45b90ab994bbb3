// The thin SQLite layer: statements, their cache, transactions, errors.
#include "store/sqlite/database.hpp"

#include <cerrno>

#include "store_fixture.hpp"

namespace assetd::store::testing {
namespace {

using sqlite::Database;
using sqlite::Transaction;

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { db.exec("CREATE TABLE t (x INTEGER, s TEXT)"); }
  std::int64_t count() {
    auto q = db.prepare("SELECT COUNT(*) FROM t");
    q->step();
    return q->integer(0);
  }
  TempDir dir;
  Database db{dir.file("d.db"), Database::Mode::ReadWrite};
};

TEST_F(DatabaseTest, NestedUseOfTheSameSqlGetsItsOwnStatement) {
  db.exec("INSERT INTO t (x) VALUES (1), (2), (3)");
  const char* sql = "SELECT x FROM t WHERE x >= ?1 ORDER BY x";
  auto outer = db.prepare(sql);
  outer->bindInt(1, 2);
  std::vector<std::int64_t> seen;
  while (outer->step()) {
    auto inner = db.prepare(sql);
    inner->bindInt(1, 1);
    ASSERT_TRUE(inner->step());
    EXPECT_EQ(inner->integer(0), 1);
    seen.push_back(outer->integer(0));
  }
  EXPECT_EQ(seen, std::vector<std::int64_t>({2, 3}));
}

TEST_F(DatabaseTest, ReturnedStatementsAreResetAndCleared) {
  db.exec("INSERT INTO t (x) VALUES (7)");
  {
    auto q = db.prepare("SELECT x FROM t WHERE x = ?1");
    q->bindInt(1, 7);
    ASSERT_TRUE(q->step());
  }
  auto again = db.prepare("SELECT x FROM t WHERE x = ?1");
  EXPECT_FALSE(again->step());  // the old binding is gone: x = NULL matches nothing
}

TEST_F(DatabaseTest, ManyDistinctStatementsStayUsable) {
  for (int i = 0; i < 600; ++i) {
    auto q = db.prepare("SELECT " + std::to_string(i));
    ASSERT_TRUE(q->step());
    EXPECT_EQ(q->integer(0), i);
  }
}

TEST_F(DatabaseTest, EmptyTextIsNotNull) {
  auto insert = db.prepare("INSERT INTO t (x, s) VALUES (?1, ?2)");
  insert->bindInt(1, 1);
  insert->bindText(2, std::string_view());
  insert->run();
  insert->reset();
  insert->bindInt(1, 2);
  insert->bindTextOrNull(2, "");
  insert->run();
  auto q = db.prepare("SELECT x FROM t WHERE s IS NULL");
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->integer(0), 2);
  EXPECT_FALSE(q->step());
}

TEST_F(DatabaseTest, TransactionsRollBackUnlessCommitted) {
  {
    Transaction tx(db, Transaction::Kind::Write);
    db.exec("INSERT INTO t (x) VALUES (1)");
  }
  EXPECT_EQ(count(), 0);
  EXPECT_FALSE(db.inTransaction());
  try {
    Transaction tx(db, Transaction::Kind::Write);
    db.exec("INSERT INTO t (x) VALUES (1)");
    throw std::runtime_error("request failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(count(), 0);
  {
    Transaction tx(db, Transaction::Kind::Write);
    db.exec("INSERT INTO t (x) VALUES (1)");
    tx.commit();
  }
  EXPECT_EQ(count(), 1);
}

TEST_F(DatabaseTest, ErrorsAreApiErrors500) {
  EXPECT_EQ(errorStatus([&] { db.prepare("SELECT nope FROM nowhere"); }), 500);
  EXPECT_EQ(errorStatus([&] { db.exec("NOT SQL"); }), 500);
  db.exec("CREATE UNIQUE INDEX tx ON t (x)");
  db.exec("INSERT INTO t (x) VALUES (1)");
  auto insert = db.prepare("INSERT INTO t (x) VALUES (1)");
  EXPECT_EQ(errorStatus([&] { insert->run(); }), 500);
}

TEST_F(DatabaseTest, ReadOnlyConnectionsCannotWrite) {
  Database reader(dir.file("d.db"), Database::Mode::ReadOnly);
  EXPECT_EQ(errorStatus([&] { reader.exec("INSERT INTO t (x) VALUES (1)"); }), 500);
  EXPECT_EQ(count(), 0);
}

TEST_F(DatabaseTest, AFullDatabaseIs507) {
  db.exec("PRAGMA max_page_count = 3");  // the file may not grow: SQLITE_FULL, as on a full disk
  try {
    db.exec("INSERT INTO t (s) VALUES (printf('%.100000c', 'x'))");
    FAIL() << "the insert fit";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 507) << e.logText();
    EXPECT_STREQ(e.what(), core::ApiError::kInsufficientStorage);
    EXPECT_NE(e.logText().find("database or disk is full"), std::string::npos) << e.logText();
  }
  EXPECT_EQ(count(), 0);  // nothing of the statement is left, and the connection still works
}

TEST_F(DatabaseTest, AWriteLockHeldPastTheBusyTimeoutIs503WithRetryAfter) {
  Database other{dir.file("d.db"), Database::Mode::ReadWrite};
  Transaction holding(other, Transaction::Kind::Write);
  try {
    Transaction waiting(db, Transaction::Kind::Write);  // no busy timeout on this connection
    FAIL() << "took the lock";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 503) << e.logText();
    EXPECT_STREQ(e.what(), "service unavailable: the database is locked; retry later");
    EXPECT_GT(e.retryAfterSeconds(), 0);
  }
}

TEST(SqliteError, MapsResultCodesToStatuses) {
  using sqlite::sqliteError;
  EXPECT_EQ(sqliteError(SQLITE_FULL, 0, "d").status(), 507);
  EXPECT_EQ(sqliteError(SQLITE_IOERR_WRITE, ENOSPC, "d").status(), 507);
  EXPECT_EQ(sqliteError(SQLITE_IOERR_FSYNC, EDQUOT, "d").status(), 507);
  EXPECT_EQ(sqliteError(SQLITE_IOERR_WRITE, EIO, "d").status(), 500);
  EXPECT_EQ(sqliteError(SQLITE_BUSY, 0, "d").status(), 503);
  EXPECT_EQ(sqliteError(SQLITE_BUSY_SNAPSHOT, 0, "d").status(), 503);
  EXPECT_EQ(sqliteError(SQLITE_LOCKED, 0, "d").status(), 503);
  EXPECT_EQ(sqliteError(SQLITE_CANTOPEN, ENOENT, "d").status(), 503);
  EXPECT_GT(sqliteError(SQLITE_CANTOPEN, ENOENT, "d").retryAfterSeconds(), 0);
  EXPECT_EQ(sqliteError(SQLITE_CONSTRAINT_UNIQUE, 0, "d").status(), 500);
  EXPECT_EQ(sqliteError(SQLITE_CORRUPT, 0, "d").status(), 500);
  EXPECT_FALSE(sqliteError(SQLITE_CORRUPT, 0, "d").messageIsPublic());
}

}  // namespace
}  // namespace assetd::store::testing
