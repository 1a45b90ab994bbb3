// What only the PostgreSQL store has to get right: any bytes through text columns, migrations
// under a lock, several nodes (stores with their own pools) writing one project at once, copy
// claims that never overlap, reconnecting, and filters in the shape the indexes serve.
// Needs ASSETD_TEST_POSTGRES_URL (scripts/test.sh sets it); skipped without it.
#include <algorithm>
#include <atomic>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "store/postgres/filter_sql.hpp"
#include "store/postgres/migrations.hpp"
#include "store_fixture.hpp"

namespace assetd::store::testing {
namespace {

using namespace std::string_literals;
using postgres::Connection;
using postgres::Params;

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (postgresTestUrl().empty())
      GTEST_SKIP() << "ASSETD_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)";
    db.emplace();
  }
  std::unique_ptr<Store> open(int pool = 4) { return openPostgresStore(db->url(), pool); }
  std::int64_t count(const std::string& sql) { return queryAny(db->url(), sql); }

  std::optional<TempPostgresDatabase> db;
};

// Runs `body(i)` on `n` threads at once and returns how many threw.
template <class Body>
int inParallel(int n, Body body) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      try {
        body(i);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "thread " << i << ": " << e.what();
        ++failures;
      }
    });
  for (auto& t : threads) t.join();
  return failures.load();
}

TEST_F(PostgresTest, AnyBytesRoundTripThroughTextAndArrays) {
  Connection conn(db->url());
  std::vector<std::string> values = {
      "a\0b"s, "\x01\x02"s, "\xff\xfe"s, "\xed\xa0\x80"s, "caf\xc3\xa9"s, "quote\" back\\slash"s,
      "{,}"s,  ""s,         "NULL"s};
  postgres::ArrayParam array;
  for (const auto& v : values) {
    EXPECT_EQ(conn.exec("SELECT $1::text", Params().text(v)).text(0, 0), v);
    array.text(v);
  }
  auto rows = conn.exec("SELECT unnest($1::text[])", Params().array(array));
  ASSERT_EQ(rows.rows(), static_cast<int>(values.size()));
  for (int r = 0; r < rows.rows(); ++r) {
    EXPECT_FALSE(rows.isNull(r, 0));
    EXPECT_EQ(rows.text(r, 0), values[r]);
  }
}

TEST_F(PostgresTest, ErrorsCarryTheirSqlState) {
  Connection conn(db->url());
  try {
    conn.exec("SELECT 1/0");
    FAIL() << "no error";
  } catch (const postgres::PgError& e) {
    EXPECT_EQ(e.sqlstate(), "22012");
    EXPECT_FALSE(e.connectionLost());
  }
  EXPECT_EQ(conn.exec("SELECT 2").integer(0, 0), 2);  // the connection is still usable
}

TEST_F(PostgresTest, MigrationsApplyOnceWhenNodesStartTogether) {
  std::vector<std::unique_ptr<Store>> stores(6);
  EXPECT_EQ(inParallel(6, [&](int i) { stores[i] = open(1); }), 0);
  const auto& all = postgres::migrations();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().version, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM schema_migrations"), static_cast<std::int64_t>(all.size()));
  EXPECT_EQ(count("SELECT MAX(version) FROM schema_migrations"), all.back().version);
  auto org = stores[0]->createOrganization("o");
  EXPECT_EQ(stores[5]->getOrganization(org.id)->name, "o");
}

TEST_F(PostgresTest, RefusesADatabaseNewerThanTheBinary) {
  open();
  Connection(db->url()).exec(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'x', 0)");
  std::string message;
  EXPECT_EQ(errorStatus([&] { open(); }, &message), 500);
  EXPECT_NE(message.find("9999"), std::string::npos) << message;
}

TEST_F(PostgresTest, AWrongUrlIsA500NamingTheProblem) {
  std::string message;
  EXPECT_EQ(
      errorStatus([&] { openPostgresStore(withDatabase(db->url(), "no_such_db"), 1); }, &message),
      500);
  EXPECT_NE(message.find("no_such_db"), std::string::npos) << message;
}

TEST_F(PostgresTest, ReconnectsAfterTheServerDropsItsConnections) {
  auto store = open(2);
  auto org = store->createOrganization("o").id;
  auto project = store->createProject(org, {.name = "p"}).id;
  Connection admin(db->url());
  admin.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
      " WHERE datname = current_database() AND pid <> pg_backend_pid()");
  // Every pooled connection is dead now; each call finds out, reconnects and retries.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(store->getProject(org, project));
  core::ImportRequest request;
  request.assets.push_back(newAsset("after"));
  EXPECT_EQ(store->importAssets(org, project, request).assetsCreated, 1);
}

TEST_F(PostgresTest, HostileBytesAreKeptAndFound) {
  auto store = open();
  auto org = store->createOrganization("o\0rg"s).id;
  EXPECT_EQ(store->getOrganization(org)->name, "o\0rg"s);
  auto project = store->createProject(org, {.name = "p\x01", .description = "\xff"}).id;
  EXPECT_EQ(store->getProject(org, project)->name, "p\x01");
  EXPECT_EQ(store->getProject(org, project)->description, "\xff");

  core::NewAsset a = newAsset("x\0y\x01\xff"s, {"b\0"s});
  a.metadataJson = R"({"k\u0000":"v\u0000\u0001","n":Infinity,"plain":"p"})";
  a.preLabelJson = R"({"tools":[{"t":"\u0000"}]})";
  core::ImportRequest request{.assets = {a, newAsset("other")}};
  auto ids = store->importAssets(org, project, request).assetIds;
  auto got = store->getAsset(org, ids[0]);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->externalId, a.externalId);
  EXPECT_EQ(got->metadataJson, a.metadataJson);
  EXPECT_EQ(store->getProject(org, project)->batches[0].name, "b\0"s);
  EXPECT_EQ(store->getTask(org, got->labelTaskId)->answerJson,
            R"({"tools":[{"t":"\u0000"}],"classifications":[],"relations":[]})");

  auto find = [&](core::AssetFilter f) {
    auto page = store->listAssets(org, project, {.filter = std::move(f), .page = 1, .limit = 10});
    std::vector<std::string> found;
    for (const auto& x : page.items) found.push_back(x.id);
    return found;
  };
  using core::MetadataOp;
  using core::Scalar;
  core::AssetFilter byExternalId;
  byExternalId.strings.push_back(
      {core::AssetStringField::ExternalId, {core::StringOp::Eq, {a.externalId}}});
  EXPECT_EQ(find(byExternalId), std::vector<std::string>({ids[0]}));
  core::AssetFilter byPrefix;
  byPrefix.strings.push_back(
      {core::AssetStringField::ExternalId, {core::StringOp::Prefix, {"x\0"s}}});
  EXPECT_EQ(find(byPrefix), std::vector<std::string>({ids[0]}));
  core::AssetFilter byMetadata;
  byMetadata.metadata.push_back(
      {{"k\0"s}, MetadataOp::Eq, {Scalar{.kind = Scalar::Kind::String, .text = "v\0\x01"s}}});
  EXPECT_EQ(find(byMetadata), std::vector<std::string>({ids[0]}));
  core::AssetFilter huge;
  huge.metadata.push_back(
      {{"n"}, MetadataOp::Gt, {Scalar{.kind = Scalar::Kind::Number, .number = 1e308}}});
  EXPECT_EQ(find(huge), std::vector<std::string>({ids[0]}));
  huge.metadata[0] = {
      {"n"},
      MetadataOp::Gte,
      {Scalar{.kind = Scalar::Kind::Number, .number = std::numeric_limits<double>::infinity()}}};
  EXPECT_EQ(find(huge), std::vector<std::string>({ids[0]}));
  huge.metadata[0].op = MetadataOp::Eq;
  EXPECT_EQ(find(huge), std::vector<std::string>({ids[0]}));
  core::AssetFilter inBatch;
  inBatch.batches.push_back({core::BatchOp::AllOf, {"b\0"s}});
  EXPECT_EQ(find(inBatch), std::vector<std::string>({ids[0]}));
}

// Four nodes import into one project at once, all naming the same new batches, while others
// assign and delete: afterwards every counter equals a direct count.
TEST_F(PostgresTest, NodesWritingOneProjectAtOnceKeepSeqsBatchesAndCountersExact) {
  constexpr int kNodes = 4, kImports = 8, kPerImport = 50;
  std::vector<std::unique_ptr<Store>> nodes;
  for (int i = 0; i < kNodes; ++i) nodes.push_back(open(3));
  auto org = nodes[0]->createOrganization("o").id;
  auto project = nodes[0]->createProject(org, {.name = "p"}).id;

  std::vector<std::vector<std::string>> imported(kNodes);
  std::vector<std::int64_t> deleted(kNodes, 0);
  int failures = inParallel(kNodes, [&](int n) {
    Store& node = *nodes[n];
    for (int i = 0; i < kImports; ++i) {
      core::ImportRequest request;
      request.commonBatchRefs = {"shared-" + std::to_string(i % 3)};
      for (int k = 0; k < kPerImport; ++k)
        request.assets.push_back(newAsset("n" + std::to_string(n), {"also-shared"}));
      auto ids = node.importAssets(org, project, request).assetIds;
      imported[n].insert(imported[n].end(), ids.begin(), ids.end());
      node.assignBatches(org,
                         {.assetIds = {ids[0], ids[1]}, .batchRefs = {"assigned", "also-shared"}});
      deleted[n] += node.deleteAssets(org, project, {ids[2], ids[3], imported[n][0]}).deleted;
    }
  });
  ASSERT_EQ(failures, 0);

  const std::int64_t total = kNodes * kImports * kPerImport;
  std::int64_t totalDeleted = 0;
  for (auto d : deleted) totalDeleted += d;
  std::set<std::string> all;
  for (const auto& ids : imported) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(total));

  const std::string where = " FROM assets WHERE project_id = '" + project + "'";
  EXPECT_EQ(count("SELECT COUNT(DISTINCT seq)" + where), total);
  EXPECT_EQ(count("SELECT MIN(seq)" + where), 1);
  EXPECT_EQ(count("SELECT MAX(seq)" + where), total);
  EXPECT_EQ(count("SELECT next_seq FROM projects WHERE id = '" + project + "'"), total + 1);
  EXPECT_EQ(count("SELECT COUNT(*)" + where + " AND NOT deleted"), total - totalDeleted);
  EXPECT_EQ(nodes[1]->getProject(org, project)->assetCount, total - totalDeleted);
  EXPECT_EQ(nodes[2]->listAssets(org, project, {}).total, total - totalDeleted);
  // Creation times never go back as seqs go up, whichever node wrote them.
  EXPECT_EQ(count("SELECT COUNT(*) FROM assets a JOIN assets b ON b.project_id = a.project_id"
                  " AND b.seq = a.seq + 1 WHERE b.created_at < a.created_at"),
            0);
  // One batch per name, each asset in it once.
  EXPECT_EQ(count("SELECT COUNT(*) FROM batches WHERE project_id = '" + project + "'"), 5);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT name) FROM batches WHERE project_id = '" + project + "'"),
            5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM asset_batches ab JOIN batches b ON b.id = ab.batch_id"
                  " WHERE b.name = 'also-shared'"),
            total);
  // Every page of the list, both ways, holds each live asset exactly once.
  std::set<std::string> listed;
  for (std::int64_t page = 1;; ++page) {
    auto result = nodes[3]->listAssets(org, project, {.filter = {}, .page = page, .limit = 100});
    if (result.items.empty()) break;
    for (const auto& a : result.items) EXPECT_TRUE(listed.insert(a.id).second) << a.id;
  }
  EXPECT_EQ(static_cast<std::int64_t>(listed.size()), total - totalDeleted);
}

TEST_F(PostgresTest, CopyJobsAreClaimedByOneNodeOnly) {
  auto first = open(3), second = open(3);
  auto org = first->createOrganization("o").id;
  auto project = first->createProject(org, {.name = "p"}).id;
  core::ImportRequest request;
  for (int i = 0; i < 60; ++i) {
    request.assets.push_back(newAsset("a" + std::to_string(i)));
    request.assets.back().uploadLocal = true;
  }
  first->importAssets(org, project, request);

  std::vector<std::vector<core::CopyJob>> claimed(6);
  std::vector<Store*> nodes = {first.get(), second.get()};
  ASSERT_EQ(inParallel(6,
                       [&](int i) {
                         for (int round = 0; round < 5; ++round) {
                           auto jobs = nodes[i % 2]->claimCopyJobs(3, 3'600'000);
                           claimed[i].insert(claimed[i].end(), jobs.begin(), jobs.end());
                         }
                       }),
            0);
  std::map<std::string, int> times;
  for (const auto& jobs : claimed)
    for (const auto& job : jobs) ++times[job.assetId];
  EXPECT_EQ(times.size(), 60u);
  for (const auto& [asset, n] : times) EXPECT_EQ(n, 1) << asset;
}

TEST_F(PostgresTest, FiltersTakeTheShapeTheIndexesServe) {
  auto store = open();
  auto org = store->createOrganization("o").id;
  auto project = store->createProject(org, {.name = "p"}).id;
  core::ImportRequest request;
  for (int i = 0; i < 3000; ++i) {
    request.assets.push_back(newAsset("x" + std::to_string(i)));
    request.assets.back().metadataJson = R"({"camera":"c)" + std::to_string(i) + R"("})";
  }
  store->importAssets(org, project, request);
  Connection(db->url()).exec("ANALYZE assets");

  using core::Scalar;
  auto plan = [&](const core::AssetFilter& filter) {
    sql::SqlConditions where(postgres::dialect());
    where.add("a.project_id = " + where.param(project));
    where.add("NOT a.deleted");
    sql::addAssetFilter(where, filter, [](const std::string&) { return std::nullopt; });
    Connection conn(db->url());
    conn.exec("SET enable_seqscan = off");
    auto rows = conn.exec("EXPLAIN SELECT a.seq FROM assets a WHERE " + where.sql(),
                          postgres::paramsOf(where));
    std::string text;
    for (int r = 0; r < rows.rows(); ++r) text += rows.text(r, 0) + "\n";
    return text;
  };
  core::AssetFilter f;
  f.metadata.push_back({{"camera"}, core::MetadataOp::Eq, {Scalar{.text = "front"}}});
  EXPECT_NE(plan(f).find("assets_live_metadata"), std::string::npos) << plan(f);
  f.metadata = {{{"camera"}, core::MetadataOp::In, {Scalar{.text = "a"}, Scalar{.text = "b"}}}};
  EXPECT_NE(plan(f).find("assets_live_metadata"), std::string::npos) << plan(f);
  core::AssetFilter prefix;
  prefix.strings.push_back({core::AssetStringField::ExternalId, {core::StringOp::Prefix, {"ca"}}});
  EXPECT_NE(plan(prefix).find("assets_live_external_id"), std::string::npos) << plan(prefix);
  core::AssetFilter created;
  created.createdAt.push_back({core::CompareOp::Gt, 4'000'000'000'000});  // after 2096: none
  EXPECT_NE(plan(created).find("assets_live_created_at"), std::string::npos) << plan(created);
}

}  // namespace
}  // namespace assetd::store::testing
