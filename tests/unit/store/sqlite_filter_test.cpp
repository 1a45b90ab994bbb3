// Every operator of the asset and task filter languages, each against a known set of assets.
#include <set>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/sqlite/filter_sql.hpp"
#include "store_fixture.hpp"

namespace assetd::store::testing {
namespace {

using core::AssetFilter;
using core::AssetStringField;
using core::BatchOp;
using core::MetadataOp;
using core::Scalar;
using core::StringOp;
using Set = std::set<int>;

Scalar str(std::string s) {
  return {.kind = Scalar::Kind::String, .text = std::move(s)};
}
Scalar num(double n) {
  return {.kind = Scalar::Kind::Number, .number = n};
}
Scalar boolean(bool b) {
  return {.kind = Scalar::Kind::Bool, .boolean = b};
}

AssetFilter meta(std::vector<std::string> path, MetadataOp op, std::vector<Scalar> values = {},
                 bool exists = true) {
  AssetFilter f;
  f.metadata.push_back({std::move(path), op, std::move(values), exists});
  return f;
}

AssetFilter strings(AssetStringField field, StringOp op, std::vector<std::string> values) {
  AssetFilter f;
  f.strings.push_back({field, {op, std::move(values)}});
  return f;
}

AssetFilter batches(BatchOp op, std::vector<std::string> refs) {
  AssetFilter f;
  f.batches.push_back({op, std::move(refs)});
  return f;
}

class FilterTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;
    auto b = store->replaceBatches(org, project, {{std::nullopt, "b1"}, {std::nullopt, "b2"}});
    b1 = b->batches[0].id;
    b2 = b->batches[1].id;

    auto asset = [](std::string externalId, std::string metadata, std::vector<std::string> refs,
                    double priority) {
      core::NewAsset a = newAsset(std::move(externalId), std::move(refs));
      a.metadataJson = std::move(metadata);
      a.priority = priority;
      return a;
    };
    core::ImportRequest first{.createdBy = "alice"};
    first.assets.push_back(
        asset("cat_1.jpg", R"({"camera":"front","index":123,"flag":true,"nested":{"deep":"x"}})",
              {"b1"}, 1));
    first.assets[0].isPreLabeled = true;
    first.assets[0].preLabelJson = R"({"tools":[{"a":1}]})";
    first.assets.push_back(
        asset("cat%2.jpg", R"({"camera":"back","index":5,"flag":false,"s":"5"})", {b1, "b2"}, 5));
    first.assets[1].editorType = "pct";
    auto firstIds = store->importAssets(org, project, first).assetIds;
    firstCreatedAt = store->getAsset(org, firstIds[0])->createdAt;

    // A later creation time for the second request (the filter on createdAt needs two).
    while (core::nowMillis() <= firstCreatedAt) std::this_thread::yield();
    core::ImportRequest second{.createdBy = "bob"};
    second.assets.push_back(
        asset("dog.jpg",
              R"({"index":"123","flag":1,"nul":null,"we\"ird":"q","back\\slash":"b","":"e",)"
              R"("odd":{"a\"b":7}})",
              {}, -3));
    second.assets.push_back(
        asset("cat\xff\xff", R"({"index":7.5,"nested":{"deep":"y"}})", {b2}, 5));
    second.assets.push_back(asset("cax", R"({"x[0]":1,"it's":2,"camera":{"x":1}})", {}, 0));
    auto secondIds = store->importAssets(org, project, second).assetIds;
    secondCreatedAt = store->getAsset(org, secondIds[0])->createdAt;

    ids = firstIds;
    ids.insert(ids.end(), secondIds.begin(), secondIds.end());
  }

  Set match(const AssetFilter& filter) {
    Set found;
    auto listed = listAllIds(project, 2, true, filter);
    for (const auto& id : listed) found.insert(indexOf(id));
    auto page = store->listAssets(org, project, {.filter = filter, .page = 1, .limit = 100});
    EXPECT_EQ(page.total, static_cast<std::int64_t>(found.size()));
    return found;
  }

  Set matchTasks(const core::TaskFilter& filter) {
    Set found;
    auto page = store->listTasks(org, project, {.filter = filter, .page = 1, .limit = 100});
    for (const auto& t : page.items) found.insert(indexOf(t.asset));
    EXPECT_EQ(page.total, static_cast<std::int64_t>(found.size()));
    return found;
  }

  int indexOf(const std::string& id) {
    auto it = std::find(ids.begin(), ids.end(), id);
    return it == ids.end() ? -1 : static_cast<int>(it - ids.begin());
  }

  std::string b1, b2;
  std::vector<std::string> ids;
  std::int64_t firstCreatedAt = 0, secondCreatedAt = 0;
};

ASSETD_STORE_BACKENDS(FilterTest);

TEST_P(FilterTest, StringFields) {
  auto ext = [&](StringOp op, std::vector<std::string> v) {
    return match(strings(AssetStringField::ExternalId, op, std::move(v)));
  };
  EXPECT_EQ(ext(StringOp::Eq, {"dog.jpg"}), Set({2}));
  EXPECT_EQ(ext(StringOp::Ne, {"dog.jpg"}), Set({0, 1, 3, 4}));
  EXPECT_EQ(ext(StringOp::In, {"dog.jpg", "cax", "missing"}), Set({2, 4}));
  EXPECT_EQ(ext(StringOp::In, {}), Set());
  EXPECT_EQ(ext(StringOp::Nin, {"dog.jpg", "cax"}), Set({0, 1, 3}));
  EXPECT_EQ(ext(StringOp::Nin, {}), Set({0, 1, 2, 3, 4}));
  EXPECT_EQ(ext(StringOp::Eq, {"x' OR '1'='1"}), Set());

  EXPECT_EQ(match(strings(AssetStringField::Id, StringOp::Eq, {ids[3]})), Set({3}));
  EXPECT_EQ(match(strings(AssetStringField::Id, StringOp::In, {ids[0], ids[4], "zz"})),
            Set({0, 4}));
  EXPECT_EQ(match(strings(AssetStringField::CreatedBy, StringOp::Eq, {"bob"})), Set({2, 3, 4}));
  EXPECT_EQ(match(strings(AssetStringField::CreatedBy, StringOp::Ne, {"bob"})), Set({0, 1}));
  EXPECT_EQ(match(strings(AssetStringField::EditorType, StringOp::Eq, {"pct"})), Set({1}));
  EXPECT_EQ(match(strings(AssetStringField::EditorType, StringOp::Nin, {"pct"})),
            Set({0, 2, 3, 4}));
}

TEST_P(FilterTest, PrefixIsLiteral) {
  auto prefix = [&](std::string p) {
    return match(strings(AssetStringField::ExternalId, StringOp::Prefix, {std::move(p)}));
  };
  EXPECT_EQ(prefix("cat"), Set({0, 1, 3}));
  EXPECT_EQ(prefix("ca"), Set({0, 1, 3, 4}));
  EXPECT_EQ(prefix("cat%"), Set({1}));  // not a wildcard
  EXPECT_EQ(prefix("cat_"), Set({0}));  // not a wildcard
  EXPECT_EQ(prefix("cat\xff"), Set({3}));
  EXPECT_EQ(prefix("cat\xff\xff"), Set({3}));
  EXPECT_EQ(prefix("cat_1.jpg"), Set({0}));
  EXPECT_EQ(prefix("cat_1.jpgx"), Set());
  EXPECT_EQ(prefix(""), Set({0, 1, 2, 3, 4}));
}

TEST(PrefixUpperBound, IncrementsTheLastByteThatCan) {
  EXPECT_EQ(sqlite::prefixUpperBound("abc"), "abd");
  EXPECT_EQ(sqlite::prefixUpperBound("ab\xff"), "ac");
  EXPECT_EQ(sqlite::prefixUpperBound("a\x7f"), "a\x80");
  EXPECT_EQ(sqlite::prefixUpperBound("\xff\xff"), std::nullopt);
  EXPECT_EQ(sqlite::prefixUpperBound(""), std::nullopt);
}

TEST_P(FilterTest, Batches) {
  EXPECT_EQ(match(batches(BatchOp::AllOf, {b1})), Set({0, 1}));
  EXPECT_EQ(match(batches(BatchOp::AllOf, {b1, "b2"})), Set({1}));  // by id and by name
  EXPECT_EQ(match(batches(BatchOp::AllOf, {b1, "unknown"})), Set());
  EXPECT_EQ(match(batches(BatchOp::AllOf, {})), Set({0, 1, 2, 3, 4}));
  EXPECT_EQ(match(batches(BatchOp::AnyOf, {"b2", "unknown"})), Set({1, 3}));
  EXPECT_EQ(match(batches(BatchOp::AnyOf, {b1, b2})), Set({0, 1, 3}));
  EXPECT_EQ(match(batches(BatchOp::AnyOf, {"unknown"})), Set());
  EXPECT_EQ(match(batches(BatchOp::NoBatch, {})), Set({2, 4}));

  // A batch of another project is unknown here, and filters never create batches.
  auto other = store->createProject(org, {.name = "o"});
  auto foreign = store->replaceBatches(org, other.id, {{std::nullopt, "b1"}})->batches[0].id;
  EXPECT_EQ(match(batches(BatchOp::AnyOf, {foreign})), Set());
  EXPECT_EQ(store->getProject(org, project)->batches.size(), 2u);
}

TEST_P(FilterTest, PreLabeledAndCreatedAt) {
  AssetFilter pre;
  pre.isPreLabeled = true;
  EXPECT_EQ(match(pre), Set({0}));
  pre.isPreLabeled = false;
  EXPECT_EQ(match(pre), Set({1, 2, 3, 4}));

  auto created = [&](core::CompareOp op, std::int64_t t) {
    AssetFilter f;
    f.createdAt.push_back({op, t});
    return match(f);
  };
  using core::CompareOp;
  EXPECT_EQ(created(CompareOp::Gt, firstCreatedAt), Set({2, 3, 4}));
  EXPECT_EQ(created(CompareOp::Gte, firstCreatedAt), Set({0, 1, 2, 3, 4}));
  EXPECT_EQ(created(CompareOp::Lt, secondCreatedAt), Set({0, 1}));
  EXPECT_EQ(created(CompareOp::Lte, firstCreatedAt), Set({0, 1}));
  EXPECT_EQ(created(CompareOp::Lte, secondCreatedAt), Set({0, 1, 2, 3, 4}));
  AssetFilter range;
  range.createdAt = {{CompareOp::Gt, firstCreatedAt}, {CompareOp::Lt, secondCreatedAt}};
  EXPECT_EQ(match(range), Set());
}

TEST_P(FilterTest, MetadataEqualityIsTyped) {
  EXPECT_EQ(match(meta({"camera"}, MetadataOp::Eq, {str("front")})), Set({0}));
  EXPECT_EQ(match(meta({"index"}, MetadataOp::Eq, {num(123)})), Set({0}));
  EXPECT_EQ(match(meta({"index"}, MetadataOp::Eq, {str("123")})), Set({2}));
  EXPECT_EQ(match(meta({"index"}, MetadataOp::Eq, {num(7.5)})), Set({3}));
  EXPECT_EQ(match(meta({"s"}, MetadataOp::Eq, {num(5)})), Set());
  EXPECT_EQ(match(meta({"s"}, MetadataOp::Eq, {str("5")})), Set({1}));
  // json_extract reads true as 1: only the JSON type tells them apart.
  EXPECT_EQ(match(meta({"flag"}, MetadataOp::Eq, {boolean(true)})), Set({0}));
  EXPECT_EQ(match(meta({"flag"}, MetadataOp::Eq, {boolean(false)})), Set({1}));
  EXPECT_EQ(match(meta({"flag"}, MetadataOp::Eq, {num(1)})), Set({2}));
  EXPECT_EQ(match(meta({"flag"}, MetadataOp::Eq, {num(0)})), Set());
  EXPECT_EQ(match(meta({"nested", "deep"}, MetadataOp::Eq, {str("x")})), Set({0}));
  EXPECT_EQ(match(meta({"camera"}, MetadataOp::Eq, {str("{\"x\":1}")})), Set());
}

TEST_P(FilterTest, MetadataNeInExists) {
  // Like MongoDB, $ne also matches documents without the key.
  EXPECT_EQ(match(meta({"camera"}, MetadataOp::Ne, {str("front")})), Set({1, 2, 3, 4}));
  EXPECT_EQ(match(meta({"flag"}, MetadataOp::Ne, {boolean(true)})), Set({1, 2, 3, 4}));
  EXPECT_EQ(match(meta({"camera"}, MetadataOp::In, {str("front"), str("back")})), Set({0, 1}));
  EXPECT_EQ(match(meta({"index"}, MetadataOp::In, {num(123), str("123")})), Set({0, 2}));
  EXPECT_EQ(match(meta({"index"}, MetadataOp::In, {})), Set());
  EXPECT_EQ(match(meta({"nul"}, MetadataOp::Exists, {}, true)), Set({2}));
  EXPECT_EQ(match(meta({"camera"}, MetadataOp::Exists, {}, false)), Set({2, 3}));
  EXPECT_EQ(match(meta({"nested", "deep"}, MetadataOp::Exists, {}, true)), Set({0, 3}));
  EXPECT_EQ(match(meta({"camera", "x"}, MetadataOp::Exists, {}, true)), Set({4}));
  EXPECT_EQ(match(meta({"index", "x"}, MetadataOp::Exists, {}, true)), Set());
}

TEST_P(FilterTest, MetadataComparisonsOnNumbersOnly) {
  EXPECT_EQ(match(meta({"index"}, MetadataOp::Gt, {num(5)})), Set({0, 3}));
  EXPECT_EQ(match(meta({"index"}, MetadataOp::Gte, {num(5)})), Set({0, 1, 3}));
  EXPECT_EQ(match(meta({"index"}, MetadataOp::Lt, {num(7.5)})), Set({1}));
  EXPECT_EQ(match(meta({"index"}, MetadataOp::Lte, {num(7.5)})), Set({1, 3}));
  EXPECT_EQ(match(meta({"index"}, MetadataOp::Gt, {str("1")})), Set());
  EXPECT_EQ(match(meta({"flag"}, MetadataOp::Gte, {num(0)})),
            Set({2}));  // booleans are not numbers
}

TEST_P(FilterTest, MetadataKeysWithOddCharacters) {
  EXPECT_EQ(match(meta({"we\"ird"}, MetadataOp::Eq, {str("q")})), Set({2}));
  EXPECT_EQ(match(meta({"we\"ird"}, MetadataOp::Ne, {str("q")})), Set({0, 1, 3, 4}));
  EXPECT_EQ(match(meta({"we\"ird"}, MetadataOp::Exists, {}, false)), Set({0, 1, 3, 4}));
  EXPECT_EQ(match(meta({"back\\slash"}, MetadataOp::Eq, {str("b")})), Set({2}));
  EXPECT_EQ(match(meta({""}, MetadataOp::Eq, {str("e")})), Set({2}));
  EXPECT_EQ(match(meta({"odd", "a\"b"}, MetadataOp::Eq, {num(7)})), Set({2}));
  EXPECT_EQ(match(meta({"odd", "a\"b"}, MetadataOp::Gt, {num(6)})), Set({2}));
  EXPECT_EQ(match(meta({"odd", "a\"b"}, MetadataOp::In, {num(1), num(7)})), Set({2}));
  EXPECT_EQ(match(meta({"index", "a\"b"}, MetadataOp::Exists, {}, true)), Set());
  EXPECT_EQ(match(meta({"x[0]"}, MetadataOp::Eq, {num(1)})), Set({4}));
  EXPECT_EQ(match(meta({"it's"}, MetadataOp::Eq, {num(2)})), Set({4}));
  EXPECT_EQ(match(meta({"$.camera"}, MetadataOp::Exists, {}, true)), Set());
}

TEST_P(FilterTest, ConditionsAreAnded) {
  AssetFilter f = meta({"camera"}, MetadataOp::Ne, {str("front")});
  f.batches.push_back({BatchOp::AnyOf, {"b1"}});
  EXPECT_EQ(match(f), Set({1}));
  f.strings.push_back({AssetStringField::CreatedBy, {StringOp::Eq, {"bob"}}});
  EXPECT_EQ(match(f), Set());
}

TEST_P(FilterTest, DeletedAssetsNeverMatch) {
  store->deleteAssets(org, project, {ids[0]});
  EXPECT_EQ(match(meta({"camera"}, MetadataOp::Eq, {str("front")})), Set());
  EXPECT_EQ(match(batches(BatchOp::AllOf, {b1})), Set({1}));
}

TEST_P(FilterTest, ListedAssetsCarryTheirBatches) {
  auto page =
      store->listAssets(org, project, {.filter = {}, .page = 1, .limit = 10, .ascending = true});
  ASSERT_EQ(page.items.size(), 5u);
  EXPECT_EQ(page.items[0].batches, std::vector<std::string>({b1}));
  EXPECT_EQ(page.items[1].batches, std::vector<std::string>({b1, b2}));
  EXPECT_TRUE(page.items[2].batches.empty());
  EXPECT_EQ(page.items[3].batches, std::vector<std::string>({b2}));
  EXPECT_EQ(page.items[0].organization, org);
}

// --- tasks ---

core::TaskFilter taskStrings(core::TaskStringField field, StringOp op,
                             std::vector<std::string> values) {
  core::TaskFilter f;
  f.strings.push_back({field, {op, std::move(values)}});
  return f;
}

core::TaskFilter taskPriority(core::NumberOp op, double value) {
  core::TaskFilter f;
  f.priority.push_back({op, value});
  return f;
}

TEST_P(FilterTest, TaskFilters) {
  using core::NumberOp;
  using core::TaskStringField;
  EXPECT_EQ(matchTasks({}), Set({0, 1, 2, 3, 4}));
  EXPECT_EQ(matchTasks(taskStrings(TaskStringField::Stage, StringOp::In, {"Label", "Review"})),
            Set({0, 1, 2, 3, 4}));
  EXPECT_EQ(matchTasks(taskStrings(TaskStringField::Stage, StringOp::Eq, {"Complete"})), Set());
  EXPECT_EQ(matchTasks(taskStrings(TaskStringField::Status, StringOp::Eq, {"TODO"})),
            Set({0, 1, 2, 3, 4}));
  EXPECT_EQ(matchTasks(taskStrings(TaskStringField::Status, StringOp::Ne, {"TODO"})), Set());
  EXPECT_EQ(matchTasks(taskStrings(TaskStringField::ExternalId, StringOp::Prefix, {"cat"})),
            Set({0, 1, 3}));
  EXPECT_EQ(matchTasks(taskStrings(TaskStringField::Asset, StringOp::Eq, {ids[2]})), Set({2}));
  EXPECT_EQ(matchTasks(taskStrings(TaskStringField::CreatedBy, StringOp::Eq, {"alice"})),
            Set({0, 1}));
  auto task3 = store->getAsset(org, ids[3])->labelTaskId;
  EXPECT_EQ(matchTasks(taskStrings(TaskStringField::Id, StringOp::Nin, {task3})),
            Set({0, 1, 2, 4}));

  EXPECT_EQ(matchTasks(taskPriority(NumberOp::Eq, 5)), Set({1, 3}));
  EXPECT_EQ(matchTasks(taskPriority(NumberOp::Ne, 5)), Set({0, 2, 4}));
  EXPECT_EQ(matchTasks(taskPriority(NumberOp::Gt, 1)), Set({1, 3}));
  EXPECT_EQ(matchTasks(taskPriority(NumberOp::Gte, 1)), Set({0, 1, 3}));
  EXPECT_EQ(matchTasks(taskPriority(NumberOp::Lt, 0)), Set({2}));
  EXPECT_EQ(matchTasks(taskPriority(NumberOp::Lte, 0)), Set({2, 4}));

  core::TaskFilter inBatches;
  inBatches.batches.push_back({BatchOp::AnyOf, {"b2"}});
  EXPECT_EQ(matchTasks(inBatches), Set({1, 3}));
  inBatches.batches = {{BatchOp::AllOf, {"b1", "nope"}}};
  EXPECT_EQ(matchTasks(inBatches), Set());

  core::TaskFilter created;
  created.createdAt.push_back({core::CompareOp::Gt, firstCreatedAt});
  EXPECT_EQ(matchTasks(created), Set({2, 3, 4}));

  store->deleteAssets(org, project, {ids[1]});
  EXPECT_EQ(matchTasks(taskPriority(NumberOp::Eq, 5)), Set({3}));
}

TEST_P(FilterTest, TaskFieldsAndAnswers) {
  auto page = store->listTasks(
      org, project,
      {.filter = {}, .page = 1, .limit = 10, .ascending = true, .includeAnswer = false});
  ASSERT_EQ(page.items.size(), 5u);
  const auto& t = page.items[1];
  EXPECT_EQ(t.asset, ids[1]);
  EXPECT_EQ(t.project, project);
  EXPECT_EQ(t.externalId, "cat%2.jpg");
  EXPECT_EQ(t.batches, std::vector<std::string>({b1, b2}));
  EXPECT_EQ(t.priority, 5);
  EXPECT_EQ(t.createdBy, "alice");
  EXPECT_EQ(t.answerJson, "");

  auto withAnswers = store->listTasks(
      org, project,
      {.filter = {}, .page = 1, .limit = 1, .ascending = true, .includeAnswer = true});
  ASSERT_EQ(withAnswers.items.size(), 1u);
  EXPECT_EQ(withAnswers.items[0].answerJson,
            R"({"tools":[{"a":1}],"classifications":[],"relations":[]})");

  auto one = store->getTask(org, t.id);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->asset, ids[1]);
  EXPECT_EQ(one->batches, std::vector<std::string>({b1, b2}));
  EXPECT_EQ(one->answerJson, R"({"tools":[],"classifications":[],"relations":[]})");
  EXPECT_FALSE(store->getTask(org, core::newObjectId()));
}

}  // namespace
}  // namespace assetd::store::testing
