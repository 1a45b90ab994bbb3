// The online backup of a SQLite database: a copy taken while a writer commits imports holds
// whole imports only, and its counts are the copy's.
#include <atomic>
#include <filesystem>
#include <thread>

#include "store/sqlite/online_backup.hpp"
#include "store_fixture.hpp"

namespace assetd::store::testing {
namespace {

TEST_F(StoreTest, OnlineBackupBesideAWriterHoldsWholeImportsOnly) {
  constexpr int kPerImport = 50;
  importN(project, kPerImport, "first-");
  std::atomic<bool> stop{false};
  std::atomic<int> imports{1};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      importN(project, kPerImport, "w" + std::to_string(i) + "-");
      ++imports;
    }
  });
  while (imports < 5) std::this_thread::yield();
  const int before = imports;
  auto counts = sqlite::onlineBackup(dbPath(), dir.file("copy.db"));
  stop = true;
  writer.join();

  EXPECT_EQ(counts.organizations, 2);
  EXPECT_EQ(counts.projects, 1);
  EXPECT_EQ(counts.apiKeys, 0);
  EXPECT_GE(counts.assets, before * kPerImport);  // everything committed before it began
  EXPECT_EQ(counts.assets % kPerImport, 0);       // and no import in part
  EXPECT_EQ(sqlite::countRecords(dir.file("copy.db")).assets, counts.assets);
  // The copy is a store of its own: its counters agree with its rows.
  auto copy = openSqliteStore(dir.file("copy.db"));
  EXPECT_EQ(copy->getProject(org, project)->assetCount, counts.assets);
  EXPECT_FALSE(std::filesystem::exists(dir.file("copy.db") + "-wal") &&
               std::filesystem::file_size(dir.file("copy.db") + "-wal") > 0);
}

TEST_F(StoreTest, OnlineBackupRefusesAMissingSourceAndLeavesNoFile) {
  EXPECT_EQ(errorStatus([&] { sqlite::onlineBackup(dir.file("none.db"), dir.file("c.db")); }), 500);
  EXPECT_FALSE(std::filesystem::exists(dir.file("c.db")));
}

}  // namespace
}  // namespace assetd::store::testing
