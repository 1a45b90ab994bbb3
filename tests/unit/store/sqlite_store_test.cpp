// Behaviour of the store on each backend: accounts, projects, batches, import, delete, assign;
// and of the SQLite store alone: schema, opening, locking.
#include <algorithm>
#include <set>
#include <thread>

#include "core/ids.hpp"
#include "store/sqlite/database.hpp"
#include "store/sqlite/migrations.hpp"
#include "store_fixture.hpp"

namespace assetd::store::testing {
namespace {

using Ids = std::vector<std::string>;

ASSETD_STORE_BACKENDS(StoreTest);

// --- schema migrations ---

TEST(SqliteMigrations, ApplyOnceAndRecordEveryVersion) {
  TempDir dir;
  const auto& all = sqlite::migrations();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().version, 1);
  openSqliteStore(dir.file("a.db"));
  openSqliteStore(dir.file("a.db"));  // reopening applies nothing twice
  EXPECT_EQ(queryInt(dir.file("a.db"), "SELECT COUNT(*) FROM schema_migrations"),
            static_cast<std::int64_t>(all.size()));
  EXPECT_EQ(queryInt(dir.file("a.db"), "SELECT MAX(version) FROM schema_migrations"),
            all.back().version);
}

TEST(SqliteMigrations, PendingStepsApplyInOrderAndOnlyOnce) {
  TempDir dir;
  sqlite::Database db(dir.file("m.db"), sqlite::Database::Mode::ReadWrite);
  std::vector<sql::Migration> steps = {{1, "0001_a", "CREATE TABLE t (x INTEGER);"}};
  sqlite::applyMigrations(db, steps);
  steps.push_back({2, "0002_b", "INSERT INTO t VALUES (42);"});
  sqlite::applyMigrations(db, steps);
  sqlite::applyMigrations(db, steps);
  EXPECT_EQ(sqlite::schemaVersion(db), 2);
  auto q = db.prepare("SELECT COUNT(*), SUM(x) FROM t");
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->integer(0), 1);
  EXPECT_EQ(q->integer(1), 42);
}

TEST(SqliteMigrations, FailedStepLeavesNoTrace) {
  TempDir dir;
  sqlite::Database db(dir.file("m.db"), sqlite::Database::Mode::ReadWrite);
  std::vector<sql::Migration> steps = {{1, "0001_a", "CREATE TABLE t (x); CREATE TABLE t (y);"}};
  EXPECT_EQ(errorStatus([&] { sqlite::applyMigrations(db, steps); }), 500);
  EXPECT_EQ(sqlite::schemaVersion(db), 0);
  auto q = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 't'");
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->integer(0), 0);
}

TEST(SqliteMigrations, RefusesADatabaseNewerThanTheBinary) {
  TempDir dir;
  openSqliteStore(dir.file("a.db"));
  {
    sqlite::Database db(dir.file("a.db"), sqlite::Database::Mode::ReadWrite);
    db.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'x', 0)");
  }
  std::string message;
  EXPECT_EQ(errorStatus([&] { openSqliteStore(dir.file("a.db")); }, &message), 500);
  EXPECT_NE(message.find("9999"), std::string::npos) << message;
}

TEST(SqliteStoreOpen, SetsWalAndForeignKeys) {
  TempDir dir;
  auto store = openSqliteStore(dir.file("a.db"));
  sqlite3* db = nullptr;
  sqlite3_open(dir.file("a.db").c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  // Foreign keys are enforced on the store's own connections: a project of a missing
  // organization is refused.
  EXPECT_EQ(errorStatus([&] { store->createProject("000000000000000000000000", {.name = "x"}); }),
            404);
}

// A database that cannot be opened is unavailable (503 with Retry-After), not a fault of the code.
TEST(SqliteStoreOpen, UnopenablePathIsUnavailable) {
  EXPECT_EQ(errorStatus([] { openSqliteStore("/nonexistent-dir/assetd/x.db"); }), 503);
}

// --- organizations and keys ---

TEST_P(StoreTest, OrganizationsAndApiKeys) {
  auto fetched = store->getOrganization(org);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->name, "acme");
  EXPECT_FALSE(store->getOrganization(core::newObjectId()));

  std::string keyId = store->createApiKey(org, "ci", "hash-1");
  auto key = store->findApiKey("hash-1");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->id, keyId);
  EXPECT_EQ(key->organizationId, org);
  EXPECT_EQ(key->name, "ci");
  EXPECT_FALSE(store->findApiKey("hash-2"));

  EXPECT_EQ(errorStatus([&] { store->createApiKey(org, "dup", "hash-1"); }), 409);
  EXPECT_EQ(errorStatus([&] { store->createApiKey(core::newObjectId(), "x", "hash-3"); }), 404);

  EXPECT_TRUE(store->revokeApiKey(keyId));
  EXPECT_FALSE(store->findApiKey("hash-1"));
  EXPECT_FALSE(store->revokeApiKey(keyId));
  EXPECT_FALSE(store->revokeApiKey("nope"));
}

// --- projects ---

TEST_P(StoreTest, ProjectCrud) {
  core::NewProject spec{.name = "cars",
                        .description = "d",
                        .type = "pct",
                        .categorySchemaJson = R"({"tools":[]})",
                        .pctConfigJson = R"({"a":1})"};
  auto created = store->createProject(org, spec);
  EXPECT_TRUE(core::isObjectId(created.id));
  auto got = store->getProject(org, created.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "cars");
  EXPECT_EQ(got->description, "d");
  EXPECT_EQ(got->type, "pct");
  EXPECT_EQ(got->organization, org);
  EXPECT_EQ(got->categorySchemaJson, R"({"tools":[]})");
  EXPECT_EQ(got->pctConfigJson, R"({"a":1})");
  EXPECT_EQ(got->assetCount, 0);
  EXPECT_EQ(got->createdAt, created.createdAt);

  auto updated = store->updateProject(
      org, created.id, {.name = "trucks", .description = {}, .categorySchemaJson = "{\"x\":1}"});
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->name, "trucks");
  EXPECT_EQ(updated->description, "d");
  EXPECT_EQ(updated->categorySchemaJson, "{\"x\":1}");
  EXPECT_GE(updated->updatedAt, created.updatedAt);
  EXPECT_EQ(store->getProject(org, created.id)->name, "trucks");

  importN(created.id, 3);
  EXPECT_TRUE(store->deleteProject(org, created.id));
  EXPECT_FALSE(store->getProject(org, created.id));
  EXPECT_FALSE(store->deleteProject(org, created.id));
  EXPECT_FALSE(store->updateProject(org, created.id, {}));
  EXPECT_EQ(errorStatus([&] { store->listAssets(org, created.id, {}); }), 404);
  EXPECT_EQ(queryInt(dbPath(), "SELECT COUNT(*) FROM assets WHERE NOT deleted AND project_id = '" +
                                   created.id + "'"),
            0);
  EXPECT_EQ(queryInt(dbPath(), "SELECT COUNT(*) FROM tasks WHERE NOT deleted AND project_id = '" +
                                   created.id + "'"),
            0);
}

TEST_P(StoreTest, ProjectsAreInvisibleToOtherOrganizations) {
  EXPECT_FALSE(store->getProject(otherOrg, project));
  EXPECT_FALSE(store->updateProject(otherOrg, project, {.name = "hijack"}));
  EXPECT_FALSE(store->deleteProject(otherOrg, project));
  EXPECT_FALSE(store->replaceBatches(otherOrg, project, {{std::nullopt, "b"}}));
  EXPECT_EQ(store->listProjects(otherOrg, 1, 10).total, 0);
  core::ImportRequest request;
  request.assets.push_back(newAsset("a"));
  EXPECT_EQ(errorStatus([&] { store->importAssets(otherOrg, project, request); }), 404);
  EXPECT_EQ(errorStatus([&] { store->listAssets(otherOrg, project, {}); }), 404);
  EXPECT_EQ(errorStatus([&] { store->listTasks(otherOrg, project, {}); }), 404);
  EXPECT_EQ(errorStatus([&] { store->deleteAssets(otherOrg, project, {"x"}); }), 404);

  auto ids = importN(project, 1);
  EXPECT_FALSE(store->getAsset(otherOrg, ids[0]));
  EXPECT_FALSE(store->updateAsset(otherOrg, ids[0], {.externalId = "x"}));
  auto asset = store->getAsset(org, ids[0]);
  ASSERT_TRUE(asset);
  EXPECT_FALSE(store->getTask(otherOrg, asset->labelTaskId));
  EXPECT_TRUE(store->getTask(org, asset->labelTaskId));
  EXPECT_EQ(store->getProject(org, project)->name, "p");
}

TEST_P(StoreTest, ListProjectsNewestFirstWithTotal) {
  std::vector<std::string> ids = {project};
  for (int i = 0; i < 4; ++i)
    ids.push_back(store->createProject(org, {.name = "p" + std::to_string(i)}).id);
  store->createProject(otherOrg, {.name = "foreign"});
  store->deleteProject(org, ids[2]);
  ids.erase(ids.begin() + 2);
  std::reverse(ids.begin(), ids.end());

  std::vector<std::string> listed;
  for (std::int64_t page = 1; page <= 3; ++page) {
    auto result = store->listProjects(org, page, 2);
    EXPECT_EQ(result.total, 4);
    for (const auto& p : result.items) listed.push_back(p.id);
  }
  EXPECT_EQ(listed, ids);
  EXPECT_EQ(errorStatus([&] { store->listProjects(org, 0, 10); }), 400);
  EXPECT_EQ(errorStatus([&] { store->listProjects(org, 1, 0); }), 400);
  EXPECT_TRUE(store->listProjects(org, std::int64_t{1} << 62, 100).items.empty());
}

// --- batches ---

std::vector<std::string> batchNames(const core::Project& p) {
  std::vector<std::string> names;
  for (const auto& b : p.batches) names.push_back(b.name);
  return names;
}

TEST_P(StoreTest, ReplaceBatchesCreatesRenamesAndRemoves) {
  auto first = store->replaceBatches(org, project, {{std::nullopt, "a"}, {std::nullopt, "b"}});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->batches.size(), 2u);
  std::string a = first->batches[0].id, b = first->batches[1].id;

  core::ImportRequest request;
  request.assets.push_back(newAsset("x", {a, b}));
  auto assetId = store->importAssets(org, project, request).assetIds[0];

  // The SDK re-sends what it got plus a new one; leaving "a" out removes it.
  auto second = store->replaceBatches(org, project, {{b, "b2"}, {std::nullopt, "c"}});
  ASSERT_TRUE(second);
  EXPECT_EQ(batchNames(*second), Ids({"b2", "c"}));
  EXPECT_EQ(second->batches[0].id, b);
  EXPECT_EQ(store->getAsset(org, assetId)->batches, Ids({b}));
  EXPECT_EQ(queryInt(dbPath(), "SELECT COUNT(*) FROM asset_batches WHERE batch_id = '" + a + "'"),
            0);

  // The order is creation order, whatever the request's order.
  auto third = store->replaceBatches(
      org, project, {{std::nullopt, "d"}, {second->batches[1].id, "c"}, {b, "b2"}});
  EXPECT_EQ(batchNames(*third), Ids({"b2", "c", "d"}));
  EXPECT_EQ(batchNames(*store->getProject(org, project)), Ids({"b2", "c", "d"}));
}

TEST_P(StoreTest, ReplaceBatchesRejectsForeignIdsAndChangesNothing) {
  auto other = store->createProject(org, {.name = "other"});
  auto foreign = store->replaceBatches(org, other.id, {{std::nullopt, "theirs"}})->batches[0].id;
  auto mine = store->replaceBatches(org, project, {{std::nullopt, "mine"}})->batches[0];

  std::string message;
  int status = errorStatus(
      [&] {
        store->replaceBatches(org, project,
                              {{std::nullopt, "new"}, {foreign, "stolen"}, {mine.id, "renamed"}});
      },
      &message);
  EXPECT_EQ(status, 400);
  EXPECT_NE(message.find("batches[1]._id"), std::string::npos) << message;
  EXPECT_EQ(batchNames(*store->getProject(org, project)), Ids({"mine"}));
  EXPECT_EQ(batchNames(*store->getProject(org, other.id)), Ids({"theirs"}));
}

// --- import ---

TEST_P(StoreTest, ImportStoresEveryFieldAndALabelTask) {
  core::NewAsset a = newAsset("img.jpg");
  a.datasetJson = R"(["u1","u2"])";
  a.overlayJson = R"([{"x":1}])";
  a.metadataJson = R"({"camera":"front","index":123})";
  a.contextDataJson = R"({"k":"v"})";
  a.preLabelJson = R"({"tools":[{"schemaId":"s"}],"classifications":"bad"})";
  a.editorType = "pct";
  a.storageId = "st1";
  a.uploadLocal = true;
  a.priority = 7.5;
  a.isPreLabeled = true;
  core::ImportRequest request{
      .assets = {a, newAsset("plain.jpg")}, .commonBatchRefs = {}, .createdBy = "key-1"};
  auto result = store->importAssets(org, project, request);
  EXPECT_EQ(result.assetsCreated, 2);
  EXPECT_EQ(result.tasksCreated, 2);
  ASSERT_EQ(result.assetIds.size(), 2u);
  EXPECT_LT(result.assetIds[0], result.assetIds[1]);

  auto got = store->getAsset(org, result.assetIds[0]);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->project, project);
  EXPECT_EQ(got->organization, org);
  EXPECT_EQ(got->externalId, "img.jpg");
  EXPECT_EQ(got->data, "https://example.com/img.jpg");
  EXPECT_EQ(got->datasetJson, a.datasetJson);
  EXPECT_EQ(got->overlayJson, a.overlayJson);
  EXPECT_EQ(got->metadataJson, a.metadataJson);
  EXPECT_EQ(got->contextDataJson, a.contextDataJson);
  EXPECT_EQ(got->preLabelJson, a.preLabelJson);
  EXPECT_EQ(got->editorType, "pct");
  EXPECT_EQ(got->storageId, "st1");
  EXPECT_TRUE(got->uploadLocal);
  EXPECT_EQ(got->priority, 7.5);
  EXPECT_TRUE(got->isPreLabeled);
  EXPECT_EQ(got->createdBy, "key-1");
  EXPECT_GT(got->createdAt, 0);
  EXPECT_EQ(got->createdAt, got->updatedAt);

  auto plain = store->getAsset(org, result.assetIds[1]);
  EXPECT_EQ(plain->metadataJson, "{}");
  EXPECT_EQ(plain->datasetJson, "");
  EXPECT_EQ(plain->preLabelJson, "");
  EXPECT_FALSE(plain->isPreLabeled);

  auto task = store->getTask(org, got->labelTaskId);
  ASSERT_TRUE(task);
  EXPECT_EQ(task->asset, got->id);
  EXPECT_EQ(task->project, project);
  EXPECT_EQ(task->externalId, "img.jpg");
  EXPECT_EQ(task->stage, "Label");
  EXPECT_EQ(task->status, "TODO");
  EXPECT_EQ(task->priority, 7.5);
  EXPECT_EQ(task->createdBy, "key-1");
  EXPECT_EQ(task->answerJson,
            R"({"tools":[{"schemaId":"s"}],"classifications":[],"relations":[]})");
  EXPECT_EQ(store->getTask(org, plain->labelTaskId)->answerJson,
            R"({"tools":[],"classifications":[],"relations":[]})");
  EXPECT_EQ(store->getProject(org, project)->assetCount, 2);
}

TEST_P(StoreTest, ImportCreatesEachNewBatchNameOnce) {
  auto existing = store->replaceBatches(org, project, {{std::nullopt, "old"}})->batches[0].id;
  core::ImportRequest request;
  request.commonBatchRefs = {"common", "common"};
  for (int i = 0; i < 5; ++i) request.assets.push_back(newAsset("a" + std::to_string(i), {"new"}));
  request.assets[0].batchRefs = {"new", existing, "old", "common"};
  auto ids = store->importAssets(org, project, request).assetIds;

  auto p = store->getProject(org, project);
  EXPECT_EQ(batchNames(*p), Ids({"old", "common", "new"}));
  std::string common = p->batches[1].id, created = p->batches[2].id;
  EXPECT_EQ(store->getAsset(org, ids[0])->batches, Ids({existing, common, created}));
  for (int i = 1; i < 5; ++i)
    EXPECT_EQ(store->getAsset(org, ids[i])->batches, Ids({common, created}));
}

TEST_P(StoreTest, ImportIsAllOrNothing) {
  auto other = store->createProject(org, {.name = "other"});
  auto foreignBatch = store->replaceBatches(org, other.id, {{std::nullopt, "x"}})->batches[0].id;
  importN(project, 2);

  core::ImportRequest request;
  request.assets = {newAsset("ok", {"brand-new"}), newAsset("bad", {foreignBatch})};
  std::string message;
  EXPECT_EQ(errorStatus([&] { store->importAssets(org, project, request); }, &message), 400);
  EXPECT_NE(message.find("assets[1].batches[0]"), std::string::npos) << message;

  EXPECT_EQ(store->getProject(org, project)->assetCount, 2);
  EXPECT_TRUE(store->getProject(org, project)->batches.empty());
  EXPECT_EQ(store->listAssets(org, project, {}).items.size(), 2u);
  EXPECT_EQ(queryInt(dbPath(), "SELECT COUNT(*) FROM assets"), 2);
  EXPECT_EQ(queryInt(dbPath(), "SELECT COUNT(*) FROM tasks"), 2);
  EXPECT_EQ(queryInt(dbPath(), "SELECT next_seq FROM projects WHERE id = '" + project + "'"), 3);

  // A common batch ref is checked the same way and named by its own path.
  request.assets = {newAsset("ok")};
  request.commonBatchRefs = {"fine", core::newObjectId()};
  EXPECT_EQ(errorStatus([&] { store->importAssets(org, project, request); }, &message), 400);
  EXPECT_NE(message.find("batches[1]"), std::string::npos) << message;
  EXPECT_EQ(queryInt(dbPath(), "SELECT COUNT(*) FROM assets"), 2);
}

TEST_P(StoreTest, ImportIntoMissingProjectIs404) {
  core::ImportRequest request;
  request.assets.push_back(newAsset("a"));
  EXPECT_EQ(errorStatus([&] { store->importAssets(org, core::newObjectId(), request); }), 404);
}

TEST_P(StoreTest, EmptyImportWritesNoAssets) {
  auto result = store->importAssets(org, project, {});
  EXPECT_EQ(result.assetsCreated, 0);
  EXPECT_TRUE(result.assetIds.empty());
  EXPECT_EQ(store->getProject(org, project)->assetCount, 0);
}

// --- update ---

TEST_P(StoreTest, UpdateAssetReplacesGivenFields) {
  core::NewAsset a = newAsset("before");
  a.contextDataJson = R"({"c":1})";
  a.overlayJson = "[1]";
  core::ImportRequest request{.assets = {a}};
  auto id = store->importAssets(org, project, request).assetIds[0];
  auto before = *store->getAsset(org, id);

  auto after = store->updateAsset(org, id,
                                  {.metadataJson = R"({"m":2})",
                                   .contextDataJson = {},
                                   .data = "https://x/y",
                                   .overlayJson = {},
                                   .externalId = "after"});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->metadataJson, R"({"m":2})");
  EXPECT_EQ(after->contextDataJson, R"({"c":1})");
  EXPECT_EQ(after->data, "https://x/y");
  EXPECT_EQ(after->overlayJson, "[1]");
  EXPECT_EQ(after->externalId, "after");
  EXPECT_GE(after->updatedAt, before.updatedAt);
  EXPECT_EQ(after->createdAt, before.createdAt);

  auto reread = store->getAsset(org, id);
  EXPECT_EQ(reread->externalId, "after");
  EXPECT_EQ(reread->metadataJson, R"({"m":2})");
  EXPECT_EQ(store->getTask(org, reread->labelTaskId)->externalId, "after");

  store->deleteAssets(org, project, {id});
  EXPECT_FALSE(store->updateAsset(org, id, {.externalId = "x"}));
  EXPECT_FALSE(store->updateAsset(org, "not-an-id", {.externalId = "x"}));
}

// --- delete ---

TEST_P(StoreTest, DeleteCountsDeletedAndFailed) {
  auto ids = importN(project, 4);
  auto other = store->createProject(org, {.name = "other"});
  auto foreign = importN(other.id, 1);
  auto taskOf0 = store->getAsset(org, ids[0])->labelTaskId;

  auto result = store->deleteAssets(
      org, project, {ids[0], ids[1], ids[0], foreign[0], "malformed", core::newObjectId()});
  EXPECT_EQ(result.deleted, 2);
  EXPECT_EQ(result.failed, 4);
  EXPECT_FALSE(store->getAsset(org, ids[0]));
  EXPECT_FALSE(store->getTask(org, taskOf0));
  EXPECT_TRUE(store->getAsset(org, foreign[0]));
  EXPECT_EQ(store->getProject(org, project)->assetCount, 2);
  EXPECT_EQ(store->listAssets(org, project, {}).total, 2);
  EXPECT_EQ(store->listTasks(org, project, {}).items.size(), 2u);

  auto again = store->deleteAssets(org, project, {ids[1], ids[2]});
  EXPECT_EQ(again.deleted, 1);
  EXPECT_EQ(again.failed, 1);
  EXPECT_EQ(store->getProject(org, project)->assetCount, 1);
}

// --- assignBatches ---

TEST_P(StoreTest, AssignBatchesAddModeCountsOnlyChangedAssets) {
  auto ids = importN(project, 3);
  auto first = store->assignBatches(org, {.assetIds = {ids[0]}, .batchRefs = {"b1"}});
  EXPECT_EQ(first.modifiedCount, 1);
  ASSERT_EQ(first.batchIds.size(), 1u);
  std::string b1 = first.batchIds[0];

  auto second = store->assignBatches(
      org, {.assetIds = {ids[0], ids[1], ids[2]}, .batchRefs = {b1, "b1", "b2"}});
  EXPECT_EQ(second.modifiedCount, 3);  // ids[0] gains b2
  ASSERT_EQ(second.batchIds.size(), 2u);
  EXPECT_EQ(second.batchIds[0], b1);
  std::string b2 = second.batchIds[1];
  EXPECT_EQ(batchNames(*store->getProject(org, project)), Ids({"b1", "b2"}));

  auto third = store->assignBatches(org, {.assetIds = {ids[0], ids[1]}, .batchRefs = {"b2"}});
  EXPECT_EQ(third.modifiedCount, 0);
  EXPECT_EQ(store->getAsset(org, ids[1])->batches, Ids({b1, b2}));
}

TEST_P(StoreTest, AssignBatchesReplaceMode) {
  auto ids = importN(project, 3);
  auto b =
      store->replaceBatches(org, project, {{std::nullopt, "b1"}, {std::nullopt, "b2"}})->batches;
  store->assignBatches(org, {.assetIds = {ids[0], ids[1]}, .batchRefs = {"b1", "b2"}});
  store->assignBatches(org, {.assetIds = {ids[2]}, .batchRefs = {"b2"}});

  auto result = store->assignBatches(
      org, {.assetIds = {ids[0], ids[1], ids[2]}, .batchRefs = {"b2"}, .replace = true});
  EXPECT_EQ(result.modifiedCount, 2);  // ids[2] already had exactly {b2}
  for (const auto& id : ids) EXPECT_EQ(store->getAsset(org, id)->batches, Ids({b[1].id}));

  auto cleared =
      store->assignBatches(org, {.assetIds = {ids[0]}, .batchRefs = {}, .replace = true});
  EXPECT_EQ(cleared.modifiedCount, 1);
  EXPECT_TRUE(store->getAsset(org, ids[0])->batches.empty());
}

TEST_P(StoreTest, AssignBatchesRejectsMixedMissingAndForeignAssets) {
  auto ids = importN(project, 2);
  auto other = store->createProject(org, {.name = "other"});
  auto otherIds = importN(other.id, 1);
  store->deleteAssets(org, project, {ids[1]});

  auto failsAt = [&](const core::AssignRequest& request) {
    std::string message;
    int status = errorStatus([&] { store->assignBatches(org, request); }, &message);
    EXPECT_EQ(status, 400) << message;
    return message;
  };
  EXPECT_EQ(
      failsAt({.assetIds = {ids[0], otherIds[0]}, .batchRefs = {"new"}}).rfind("assetIds[1]", 0),
      0u);
  EXPECT_EQ(failsAt({.assetIds = {ids[0], ids[1]}, .batchRefs = {"new"}}),
            "assetIds[1]: not found");
  EXPECT_EQ(failsAt({.assetIds = {ids[0], "nope"}, .batchRefs = {"new"}}),
            "assetIds[1]: not found");
  EXPECT_EQ(failsAt({.assetIds = {ids[0]}, .batchRefs = {"new"}, .projectId = other.id})
                .rfind("assetIds[0]", 0),
            0u);
  EXPECT_EQ(
      failsAt({.assetIds = {ids[0]}, .batchRefs = {core::newObjectId()}}).rfind("batches[0]", 0),
      0u);
  EXPECT_EQ(failsAt({.assetIds = {}, .batchRefs = {"new"}}).rfind("assetIds", 0), 0u);
  // Another organization's asset looks exactly like a missing one.
  std::string message;
  EXPECT_EQ(errorStatus(
                [&] { store->assignBatches(otherOrg, {.assetIds = {ids[0]}, .batchRefs = {"x"}}); },
                &message),
            400);
  EXPECT_EQ(message, "assetIds[0]: not found");

  // Nothing was written by the failed requests.
  EXPECT_TRUE(store->getProject(org, project)->batches.empty());
  EXPECT_TRUE(store->getAsset(org, ids[0])->batches.empty());

  auto ok =
      store->assignBatches(org, {.assetIds = {ids[0]}, .batchRefs = {"new"}, .projectId = project});
  EXPECT_EQ(ok.modifiedCount, 1);
}

// --- concurrency ---

TEST(SqliteStoreConcurrency, WritersOfAnotherProcessWaitForTheLockInsteadOfFailing) {
  TempDir dir;
  auto server = openSqliteStore(dir.file("shared.db"));
  // Another connection (an admin command, say) holds the write lock for a while.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("shared.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  std::string id;
  EXPECT_EQ(errorStatus([&] { id = server->createOrganization("waited").id; }), 0);
  release.join();
  sqlite3_close(other);
  EXPECT_TRUE(server->getOrganization(id));
  // A second store on the same file (what an admin command opens) works alongside.
  auto admin = openSqliteStore(dir.file("shared.db"));
  EXPECT_EQ(admin->getOrganization(id)->name, "waited");
}

TEST(SqliteStoreConcurrency, ParallelImportsKeepCountersAndSeqDense) {
  TempDir dir;
  auto store = openSqliteStore(dir.file("c.db"));
  auto org = store->createOrganization("o").id;
  auto project = store->createProject(org, {.name = "p"}).id;
  constexpr int kThreads = 4, kImports = 10, kPerImport = 25;

  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> idsByThread(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kImports; ++i) {
          core::ImportRequest request;
          for (int k = 0; k < kPerImport; ++k)
            request.assets.push_back(newAsset("t" + std::to_string(t), {"shared"}));
          auto result = store->importAssets(org, project, request);
          idsByThread[t].insert(idsByThread[t].end(), result.assetIds.begin(),
                                result.assetIds.end());
          store->listAssets(org, project, {.filter = {}, .page = 2, .limit = 7});
        }
      } catch (...) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);

  const std::int64_t total = kThreads * kImports * kPerImport;
  EXPECT_EQ(store->getProject(org, project)->assetCount, total);
  EXPECT_EQ(store->getProject(org, project)->batches.size(), 1u);
  const std::string where = " FROM assets WHERE project_id = '" + project + "'";
  EXPECT_EQ(queryInt(dir.file("c.db"), "SELECT COUNT(DISTINCT seq)" + where), total);
  EXPECT_EQ(queryInt(dir.file("c.db"), "SELECT MIN(seq)" + where), 1);
  EXPECT_EQ(queryInt(dir.file("c.db"), "SELECT MAX(seq)" + where), total);
  EXPECT_EQ(
      queryInt(dir.file("c.db"), "SELECT next_seq FROM projects WHERE id = '" + project + "'"),
      total + 1);
  // seq order is id order and creation-time order.
  EXPECT_EQ(queryInt(dir.file("c.db"),
                     "SELECT COUNT(*) FROM assets a JOIN assets b ON b.project_id = a.project_id"
                     " AND b.seq = a.seq + 1 WHERE b.id <= a.id OR b.created_at < a.created_at"),
            0);

  std::set<std::string> all;
  for (const auto& ids : idsByThread) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(total));
  std::int64_t listed = 0;
  for (std::int64_t page = 1;; ++page) {
    auto result = store->listAssets(org, project, {.filter = {}, .page = page, .limit = 100});
    EXPECT_EQ(result.total, total);
    if (result.items.empty()) break;
    for (const auto& a : result.items) EXPECT_TRUE(all.contains(a.id));
    listed += static_cast<std::int64_t>(result.items.size());
  }
  EXPECT_EQ(listed, total);
}

}  // namespace
}  // namespace assetd::store::testing
