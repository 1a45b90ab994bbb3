// The SQLite store keeps findApiKeyAndProject answers in memory: they must stay the database's
// answers, across processes (a second store on the same file stands for the admin command).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "store/sqlite/auth_cache.hpp"
#include "store_fixture.hpp"

namespace assetd::store::testing {
namespace {

class SqliteAuthCacheTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    keyId = store->createApiKey(org, "ci", "hash-1");
  }

  // Looks up twice: the second answer, if any, is the remembered one.
  std::optional<Store::KeyAndProject> lookupCached(const std::string& hash,
                                                   const std::string& projectId) {
    store->findApiKeyAndProject(hash, projectId);
    return store->findApiKeyAndProject(hash, projectId);
  }

  // A change written straight into the file, bypassing every store (and the shared counter).
  void execBehindTheStore(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dbPath().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  std::string keyId;
};

TEST_F(SqliteAuthCacheTest, RememberedAnswersNeedNoDatabaseRead) {
  ASSERT_TRUE(lookupCached("hash-1", project));
  execBehindTheStore("UPDATE api_keys SET revoked = 1");
  // Nothing told the counter: the remembered answer stands (this is what makes it fast).
  auto found = store->findApiKeyAndProject("hash-1", project);
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->projectExists);
  EXPECT_TRUE(std::filesystem::exists(dbPath() + "-authgen"));
}

TEST_F(SqliteAuthCacheTest, KeyRevokedByAnotherStoreIsRefusedAtOnce) {
  ASSERT_TRUE(lookupCached("hash-1", project));
  auto admin = openStore();
  ASSERT_TRUE(admin->revokeApiKey(keyId));
  EXPECT_FALSE(store->findApiKeyAndProject("hash-1", project));
  EXPECT_FALSE(store->findApiKey("hash-1"));
}

TEST_F(SqliteAuthCacheTest, AnyChangeThroughAStoreDropsWhatWasReadBehindIt) {
  ASSERT_TRUE(lookupCached("hash-1", project));
  execBehindTheStore("UPDATE api_keys SET revoked = 1");
  // An unrelated revocation on another store moves the counter: everything is read again.
  auto admin = openStore();
  ASSERT_TRUE(admin->revokeApiKey(admin->createApiKey(otherOrg, "other", "hash-2")));
  EXPECT_FALSE(store->findApiKeyAndProject("hash-1", project));
}

TEST_F(SqliteAuthCacheTest, DeletedProjectIsMissingAtOnce) {
  std::string second = store->createProject(org, {.name = "second"}).id;
  ASSERT_TRUE(lookupCached("hash-1", project)->projectExists);
  ASSERT_TRUE(lookupCached("hash-1", second)->projectExists);

  ASSERT_TRUE(store->deleteProject(org, project));
  EXPECT_FALSE(store->findApiKeyAndProject("hash-1", project)->projectExists);

  ASSERT_TRUE(lookupCached("hash-1", second)->projectExists);
  ASSERT_TRUE(openStore()->deleteProject(org, second));
  EXPECT_FALSE(store->findApiKeyAndProject("hash-1", second)->projectExists);
}

TEST_F(SqliteAuthCacheTest, MissesAreNotRemembered) {
  // A project that did not exist at the first lookup, created later under the same id.
  const std::string later = core::newObjectId();
  ASSERT_FALSE(lookupCached("hash-1", later)->projectExists);
  execBehindTheStore(
      "INSERT INTO projects (id, organization_id, name, description, type,"
      " category_schema, created_at, updated_at) VALUES ('" +
      later + "', '" + org + "', 'later', '', '', '{}', 1, 1)");
  EXPECT_TRUE(store->findApiKeyAndProject("hash-1", later)->projectExists);

  // A key unknown at the first lookup, created later.
  ASSERT_FALSE(lookupCached("hash-3", project));
  openStore()->createApiKey(org, "later", "hash-3");
  auto found = store->findApiKeyAndProject("hash-3", project);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->key.name, "later");
  EXPECT_TRUE(found->projectExists);
}

TEST_F(SqliteAuthCacheTest, RememberedAnswersEqualAFreshStoresAnswers) {
  std::string otherKey = store->createApiKey(otherOrg, "theirs", "hash-2");
  std::string foreign = store->createProject(otherOrg, {.name = "theirs"}).id;
  std::string gone = store->createProject(org, {.name = "gone"}).id;
  ASSERT_TRUE(store->deleteProject(org, gone));

  for (const char* hash : {"hash-1", "hash-2", "hash-unknown"}) {
    for (const std::string& id : {project, foreign, gone, core::newObjectId(), std::string()}) {
      auto cached = lookupCached(hash, id);
      auto fresh = openStore()->findApiKeyAndProject(hash, id);
      ASSERT_EQ(cached.has_value(), fresh.has_value()) << hash << " " << id;
      if (!fresh) continue;
      EXPECT_EQ(cached->key.id, fresh->key.id);
      EXPECT_EQ(cached->key.organizationId, fresh->key.organizationId);
      EXPECT_EQ(cached->key.name, fresh->key.name);
      EXPECT_EQ(cached->projectExists, fresh->projectExists) << hash << " " << id;
    }
  }
  EXPECT_EQ(lookupCached("hash-2", foreign)->key.id, otherKey);
  EXPECT_TRUE(lookupCached("hash-2", foreign)->projectExists);
  EXPECT_FALSE(lookupCached("hash-1", foreign)->projectExists);
}

TEST(SqliteAuthCache, StoreRefusesToOpenWithoutItsCounterFile) {
  TempDir dir;
  // A directory where the counter file would be: the store cannot create it, and a store that
  // could not tell running servers about a revocation must not open.
  std::filesystem::create_directory(dir.file("a.db-authgen"));
  EXPECT_THROW(openSqliteStore(dir.file("a.db")), std::runtime_error);
}

// A hole in the mapped counter file would be allocated on first touch, and on a full file system
// that touch raises SIGBUS: the block must be there before the counter is mapped.
TEST(SqliteAuthCache, TheCounterFileIsAllocatedNotSparse) {
  TempDir dir;
  std::string path = dir.file("a.db-authgen");
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);  // what older versions left: a hole
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, 8), 0);
  struct stat st {};
  ASSERT_EQ(::fstat(fd, &st), 0);
  ::close(fd);
  if (st.st_blocks != 0) GTEST_SKIP() << "this file system does not keep holes";
  auto counter = sqlite::SharedGeneration::open(path, 0644);
  ASSERT_NE(counter, nullptr);
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_GT(st.st_blocks, 0);
  EXPECT_EQ(st.st_size, 8);
  EXPECT_EQ(counter->current(), 0u);
}

TEST(SqliteAuthCache, OpeningKeepsTheValueOfACounterInUse) {
  TempDir dir;
  std::string path = dir.file("a.db-authgen");
  auto first = sqlite::SharedGeneration::open(path, 0644);
  ASSERT_NE(first, nullptr);
  first->bump();
  first->bump();
  auto second = sqlite::SharedGeneration::open(path, 0644);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->current(), 2u);
  second->bump();
  EXPECT_EQ(first->current(), 3u);
}

}  // namespace
}  // namespace assetd::store::testing
