// Pages of asset and task lists against a brute-force expectation: no row repeated or skipped,
// whatever rows were deleted, in both orders.
#include <algorithm>
#include <functional>
#include <random>
#include <set>

#include "store_fixture.hpp"

namespace assetd::store::testing {
namespace {

using Ids = std::vector<std::string>;

class PagingTest : public StoreTest {
 protected:
  // Every live id, oldest first.
  Ids expected(const Ids& all, const std::set<std::string>& deleted) {
    Ids live;
    for (const auto& id : all)
      if (!deleted.contains(id)) live.push_back(id);
    return live;
  }

  // Checks every page (and one past the end) of every tested limit, both orders.
  void checkAllPages(const Ids& liveOldestFirst) {
    for (std::int64_t limit : {1, 2, 3, 7, 10, 31, 100}) {
      for (bool ascending : {true, false}) {
        Ids want = liveOldestFirst;
        if (!ascending) std::reverse(want.begin(), want.end());
        const std::int64_t pages = (static_cast<std::int64_t>(want.size()) + limit - 1) / limit;
        for (std::int64_t page = 1; page <= pages + 1; ++page) {
          core::AssetQuery q{.filter = {}, .page = page, .limit = limit, .ascending = ascending};
          auto result = store->listAssets(org, project, q);
          ASSERT_EQ(result.total, static_cast<std::int64_t>(want.size()));
          std::size_t from = std::min(want.size(), static_cast<std::size_t>((page - 1) * limit));
          std::size_t to = std::min(want.size(), from + static_cast<std::size_t>(limit));
          Ids got;
          for (const auto& a : result.items) got.push_back(a.id);
          ASSERT_EQ(got, Ids(want.begin() + from, want.begin() + to))
              << "limit " << limit << " page " << page << (ascending ? " asc" : " desc");

          core::TaskQuery tq{.filter = {}, .page = page, .limit = limit, .ascending = ascending};
          auto tasks = store->listTasks(org, project, tq);
          ASSERT_EQ(tasks.total, result.total);
          Ids taskAssets;
          for (const auto& t : tasks.items) taskAssets.push_back(t.asset);
          ASSERT_EQ(taskAssets, got) << "tasks: limit " << limit << " page " << page;
        }
      }
    }
  }
};

ASSETD_STORE_BACKENDS(PagingTest);

TEST_P(PagingTest, ManyDeletePatterns) {
  constexpr int kAssets = 64;
  std::mt19937 random(12345);
  using Pattern = std::function<bool(int)>;
  std::vector<std::pair<std::string, Pattern>> patterns = {
      {"none", [](int) { return false; }},
      {"first", [](int i) { return i == 0; }},
      {"last", [](int i) { return i == kAssets - 1; }},
      {"oldest half", [](int i) { return i < kAssets / 2; }},
      {"newest half", [](int i) { return i >= kAssets / 2; }},
      {"every other", [](int i) { return i % 2 == 0; }},
      {"runs", [](int i) { return (i / 5) % 2 == 1; }},
      {"all but one", [](int i) { return i != 37; }},
      {"all", [](int) { return true; }},
      {"random", [&](int) { return random() % 3 == 0; }},
  };
  for (const auto& [name, isDeleted] : patterns) {
    SCOPED_TRACE(name);
    project = store->createProject(org, {.name = name}).id;
    Ids all;
    // Several imports, so ids also come from different requests.
    for (int part = 0; part < 4; ++part) {
      auto ids = importN(project, kAssets / 4);
      all.insert(all.end(), ids.begin(), ids.end());
    }
    std::set<std::string> deleted;
    Ids toDelete;
    for (int i = 0; i < kAssets; ++i)
      if (isDeleted(i)) toDelete.push_back(all[i]), deleted.insert(all[i]);
    // Delete in two requests, newest first, to mix the order of deletion.
    std::reverse(toDelete.begin(), toDelete.end());
    Ids half(toDelete.begin(), toDelete.begin() + toDelete.size() / 2);
    Ids rest(toDelete.begin() + toDelete.size() / 2, toDelete.end());
    store->deleteAssets(org, project, half);
    store->deleteAssets(org, project, rest);
    checkAllPages(expected(all, deleted));
  }
}

TEST_P(PagingTest, DeletesBetweenImports) {
  Ids all = importN(project, 20);
  std::set<std::string> deleted = {all[3], all[4], all[19]};
  store->deleteAssets(org, project, Ids(deleted.begin(), deleted.end()));
  auto more = importN(project, 15);
  all.insert(all.end(), more.begin(), more.end());
  store->deleteAssets(org, project, {more[0], all[0]});
  deleted.insert(more[0]);
  deleted.insert(all[0]);
  checkAllPages(expected(all, deleted));
}

TEST_P(PagingTest, FilteredListsPageToo) {
  Ids all = importN(project, 30);
  store->deleteAssets(org, project, {all[1], all[2], all[10]});
  core::AssetFilter filter;
  filter.strings.push_back({core::AssetStringField::ExternalId,
                            {core::StringOp::Prefix, {"asset-1"}}});  // asset-1, asset-10..19
  Ids want;
  for (int i : {1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})
    if (i != 1 && i != 10) want.push_back(all[i]);
  EXPECT_EQ(listAllIds(project, 4, true, filter), want);
  std::reverse(want.begin(), want.end());
  EXPECT_EQ(listAllIds(project, 3, false, filter), want);
  auto page = store->listAssets(org, project, {.filter = filter, .page = 2, .limit = 4});
  EXPECT_EQ(page.total, 9);
  EXPECT_EQ(page.items.size(), 4u);
}

TEST_P(PagingTest, NewestFirstIsTheDefaultAndOrderFollowsCreation) {
  Ids all = importN(project, 5);
  auto result = store->listAssets(org, project, {});
  ASSERT_EQ(result.items.size(), 5u);
  for (std::size_t i = 0; i + 1 < result.items.size(); ++i) {
    const auto& newer = result.items[i];
    const auto& older = result.items[i + 1];
    EXPECT_TRUE(newer.createdAt > older.createdAt ||
                (newer.createdAt == older.createdAt && newer.id > older.id));
  }
  EXPECT_EQ(result.items.front().id, all.back());
}

TEST_P(PagingTest, BadPageOrLimitIs400AndHugePagesAreEmpty) {
  importN(project, 3);
  EXPECT_EQ(errorStatus([&] { store->listAssets(org, project, {.filter = {}, .page = 0}); }), 400);
  EXPECT_EQ(
      errorStatus([&] { store->listAssets(org, project, {.filter = {}, .page = 1, .limit = 0}); }),
      400);
  EXPECT_EQ(errorStatus([&] { store->listTasks(org, project, {.filter = {}, .page = -1}); }), 400);
  auto huge =
      store->listAssets(org, project, {.filter = {}, .page = std::int64_t{1} << 62, .limit = 100});
  EXPECT_TRUE(huge.items.empty());
  EXPECT_EQ(huge.total, 3);
}

}  // namespace
}  // namespace assetd::store::testing
