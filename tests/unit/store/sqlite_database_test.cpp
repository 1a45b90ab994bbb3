// The thin SQLite layer: statements, their cache, transactions, errors.
#include "store/sqlite/database.hpp"
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

}  // namespace
}  // namespace assetd::store::testing
