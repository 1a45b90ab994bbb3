// Copy jobs of uploadLocal imports: created with the import, claimed under a lease, finished
// only by the claim that holds them, and shown on the asset.
#include <set>

#include "core/time.hpp"
#include "store_fixture.hpp"

namespace assetd::store::testing {
namespace {

constexpr std::int64_t kLongLease = 3'600'000;

class CopyJobsTest : public StoreTest {
 protected:
  std::vector<std::string> importUploadLocal(std::vector<core::NewAsset> assets) {
    core::ImportRequest request;
    request.createdBy = "tester";
    for (auto& a : assets) a.uploadLocal = true;
    request.assets = std::move(assets);
    return store->importAssets(org, project, request).assetIds;
  }

  core::Asset asset(const std::string& id) {
    auto a = store->getAsset(org, id);
    EXPECT_TRUE(a.has_value());
    return a.value_or(core::Asset{});
  }
};

ASSETD_STORE_BACKENDS(CopyJobsTest);

TEST_P(CopyJobsTest, ImportWithUploadLocalQueuesAPendingJob) {
  auto ids = importUploadLocal({newAsset("a")});
  EXPECT_EQ(asset(ids[0]).uploadStatus, "pending");
  EXPECT_EQ(asset(ids[0]).uploadError, "");
  auto jobs = store->claimCopyJobs(10, kLongLease);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].assetId, ids[0]);
  EXPECT_EQ(jobs[0].organization, org);
  EXPECT_EQ(jobs[0].project, project);
  EXPECT_EQ(jobs[0].sourceUrl, "https://example.com/a");
  EXPECT_EQ(jobs[0].attempts, 1);
  EXPECT_FALSE(jobs[0].leaseToken.empty());
  EXPECT_EQ(asset(ids[0]).uploadStatus, "pending");  // running is still pending to clients
}

TEST_P(CopyJobsTest, ImportWithoutUploadLocalHasNoCopyState) {
  auto ids = importN(project, 2);
  EXPECT_EQ(asset(ids[0]).uploadStatus, "");
  EXPECT_TRUE(store->claimCopyJobs(10, kLongLease).empty());
  EXPECT_FALSE(store->nextCopyJobDue().has_value());
}

TEST_P(CopyJobsTest, DataAlreadyInTheServersStoreIsDoneAtOnce) {
  auto local = newAsset("local");
  local.dataInServerStore = true;
  auto noData = newAsset("dataset-only");
  noData.data.clear();
  noData.datasetJson = R"(["https://example.com/1.png"])";
  auto ids = importUploadLocal({local, noData});
  EXPECT_EQ(asset(ids[0]).uploadStatus, "done");
  EXPECT_EQ(asset(ids[0]).data, "https://example.com/local");
  EXPECT_EQ(asset(ids[1]).uploadStatus, "done");
  EXPECT_TRUE(store->claimCopyJobs(10, kLongLease).empty());
}

TEST_P(CopyJobsTest, AFailedImportLeavesNoJob) {
  auto good = newAsset("good");
  auto bad = newAsset("bad", {std::string(24, 'f')});  // an id-shaped ref of no batch: 400
  core::ImportRequest request;
  good.uploadLocal = bad.uploadLocal = true;
  request.assets = {good, bad};
  EXPECT_EQ(errorStatus([&] { store->importAssets(org, project, request); }), 400);
  EXPECT_EQ(queryInt(dbPath(), "SELECT COUNT(*) FROM copy_jobs"), 0);
}

TEST_P(CopyJobsTest, ClaimLeasesSoNoOtherClaimGetsTheJob) {
  importUploadLocal({newAsset("a"), newAsset("b"), newAsset("c")});
  auto first = store->claimCopyJobs(2, kLongLease);
  auto second = store->claimCopyJobs(10, kLongLease);
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 1u);
  std::set<std::string> ids{first[0].assetId, first[1].assetId, second[0].assetId};
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_TRUE(store->claimCopyJobs(10, kLongLease).empty());
  EXPECT_TRUE(store->claimCopyJobs(0, kLongLease).empty());
}

TEST_P(CopyJobsTest, AnExpiredLeaseIsClaimedAgainAndTheOldClaimLosesIt) {
  auto ids = importUploadLocal({newAsset("a")});
  auto crashed = store->claimCopyJobs(1, 0);  // a lease that is over at once
  ASSERT_EQ(crashed.size(), 1u);
  auto next = store->claimCopyJobs(1, kLongLease);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].assetId, ids[0]);
  EXPECT_EQ(next[0].attempts, 2);
  EXPECT_NE(next[0].leaseToken, crashed[0].leaseToken);
  EXPECT_FALSE(store->completeCopyJob(crashed[0], "http://store/old"));
  EXPECT_FALSE(store->failCopyJob(crashed[0], "late", std::nullopt));
  EXPECT_FALSE(store->releaseCopyJob(crashed[0]));
  EXPECT_EQ(asset(ids[0]).uploadStatus, "pending");
  EXPECT_TRUE(store->completeCopyJob(next[0], "http://store/new"));
  EXPECT_EQ(asset(ids[0]).data, "http://store/new");
}

TEST_P(CopyJobsTest, CompletePointsTheAssetAtTheCopy) {
  auto ids = importUploadLocal({newAsset("a")});
  auto before = asset(ids[0]);
  auto jobs = store->claimCopyJobs(1, kLongLease);
  ASSERT_TRUE(store->completeCopyJob(jobs[0], "http://127.0.0.1:1/assetd/assets/x/a"));
  auto after = asset(ids[0]);
  EXPECT_EQ(after.uploadStatus, "done");
  EXPECT_EQ(after.data, "http://127.0.0.1:1/assetd/assets/x/a");
  EXPECT_GE(after.updatedAt, before.updatedAt);
  EXPECT_FALSE(store->completeCopyJob(jobs[0], "http://again"));  // done is final
  EXPECT_FALSE(store->nextCopyJobDue().has_value());
  // The list shows the same state as the single read.
  auto page = store->listAssets(org, project, {.page = 1, .limit = 10});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].uploadStatus, "done");
}

TEST_P(CopyJobsTest, CompleteKeepsADataTheClientReplaced) {
  auto ids = importUploadLocal({newAsset("a")});
  auto jobs = store->claimCopyJobs(1, kLongLease);
  store->updateAsset(org, ids[0], {.data = std::string("https://example.com/newer")});
  ASSERT_TRUE(store->completeCopyJob(jobs[0], "http://store/copy"));
  EXPECT_EQ(asset(ids[0]).data, "https://example.com/newer");
  EXPECT_EQ(asset(ids[0]).uploadStatus, "done");
}

TEST_P(CopyJobsTest, FailWithRetryIsPendingUntilDue) {
  auto ids = importUploadLocal({newAsset("a")});
  auto jobs = store->claimCopyJobs(1, kLongLease);
  const std::int64_t later = core::nowMillis() + kLongLease;
  ASSERT_TRUE(store->failCopyJob(jobs[0], "source answered 503", later));
  EXPECT_EQ(asset(ids[0]).uploadStatus, "pending");
  EXPECT_TRUE(store->claimCopyJobs(1, kLongLease).empty());  // not due yet
  EXPECT_EQ(store->nextCopyJobDue(), later);

  auto ids2 = importUploadLocal({newAsset("b")});
  auto b = store->claimCopyJobs(1, kLongLease);
  ASSERT_EQ(b.size(), 1u);
  ASSERT_TRUE(store->failCopyJob(b[0], "source answered 500", core::nowMillis() - 1));
  auto retried = store->claimCopyJobs(1, kLongLease);
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].assetId, ids2[0]);
  EXPECT_EQ(retried[0].attempts, 2);
}

TEST_P(CopyJobsTest, FailForGoodShowsTheReason) {
  auto ids = importUploadLocal({newAsset("a")});
  auto jobs = store->claimCopyJobs(1, kLongLease);
  ASSERT_TRUE(store->failCopyJob(jobs[0], "source answered 404", std::nullopt));
  auto a = asset(ids[0]);
  EXPECT_EQ(a.uploadStatus, "failed");
  EXPECT_EQ(a.uploadError, "source answered 404");
  EXPECT_EQ(a.data, "https://example.com/a");
  EXPECT_TRUE(store->claimCopyJobs(1, 0).empty());
  EXPECT_FALSE(store->nextCopyJobDue().has_value());
}

TEST_P(CopyJobsTest, ReleaseMakesTheJobDueWithoutCountingTheAttempt) {
  importUploadLocal({newAsset("a")});
  auto jobs = store->claimCopyJobs(1, kLongLease);
  ASSERT_TRUE(store->releaseCopyJob(jobs[0]));
  EXPECT_FALSE(store->releaseCopyJob(jobs[0]));
  auto again = store->claimCopyJobs(1, kLongLease);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 1);
}

TEST_P(CopyJobsTest, RenewExtendsALeaseSoNoOtherClaimTakesTheJob) {
  auto ids = importUploadLocal({newAsset("a")});
  auto jobs = store->claimCopyJobs(1, 0);  // over at once unless renewed
  ASSERT_EQ(jobs.size(), 1u);
  const std::int64_t before = core::nowMillis();
  EXPECT_EQ(store->renewCopyJobLeases(jobs, kLongLease), std::vector<bool>{true});
  EXPECT_TRUE(store->claimCopyJobs(1, kLongLease).empty());
  ASSERT_TRUE(store->nextCopyJobDue().has_value());
  EXPECT_GE(*store->nextCopyJobDue(), before + kLongLease);
  EXPECT_TRUE(store->completeCopyJob(jobs[0], "http://store/copy"));
  EXPECT_EQ(asset(ids[0]).uploadStatus, "done");
}

TEST_P(CopyJobsTest, RenewOfALostClaimFailsAndLeavesTheNewClaimAlone) {
  importUploadLocal({newAsset("a"), newAsset("b")});
  auto lapsed = store->claimCopyJobs(2, 0);  // a node that stopped renewing
  ASSERT_EQ(lapsed.size(), 2u);
  auto takeover = store->claimCopyJobs(1, kLongLease);
  ASSERT_EQ(takeover.size(), 1u);
  const bool firstTaken = takeover[0].assetId == lapsed[0].assetId;
  // held[i] answers for jobs[i]; the claim nobody took over yet still holds.
  EXPECT_EQ(store->renewCopyJobLeases(lapsed, kLongLease),
            (std::vector<bool>{!firstTaken, firstTaken}));
  EXPECT_FALSE(store->completeCopyJob(lapsed[firstTaken ? 0 : 1], "http://store/old"));
  EXPECT_EQ(store->renewCopyJobLeases(takeover, kLongLease), std::vector<bool>{true});
  EXPECT_TRUE(store->completeCopyJob(takeover[0], "http://store/new"));
}

TEST_P(CopyJobsTest, AJobWhoseLeaseWasNotRenewedIsClaimedAgain) {
  auto ids = importUploadLocal({newAsset("kept"), newAsset("dropped")});
  auto jobs = store->claimCopyJobs(2, 0);
  ASSERT_EQ(jobs.size(), 2u);
  auto kept = jobs[0].assetId == ids[0] ? jobs[0] : jobs[1];
  EXPECT_EQ(store->renewCopyJobLeases({kept}, kLongLease), std::vector<bool>{true});
  auto again = store->claimCopyJobs(10, kLongLease);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].assetId, ids[1]);
  EXPECT_EQ(again[0].attempts, 2);  // renewals count no attempt
}

TEST_P(CopyJobsTest, RenewOfAFinishedJobFails) {
  importUploadLocal({newAsset("done"), newAsset("failed"), newAsset("released")});
  auto jobs = store->claimCopyJobs(3, kLongLease);
  ASSERT_EQ(jobs.size(), 3u);
  ASSERT_TRUE(store->completeCopyJob(jobs[0], "http://store/copy"));
  ASSERT_TRUE(store->failCopyJob(jobs[1], "source answered 404", std::nullopt));
  ASSERT_TRUE(store->releaseCopyJob(jobs[2]));
  EXPECT_EQ(store->renewCopyJobLeases(jobs, kLongLease), (std::vector<bool>{false, false, false}));
  EXPECT_TRUE(store->renewCopyJobLeases({}, kLongLease).empty());
}

TEST_P(CopyJobsTest, JobsOfDeletedAssetsFailInsteadOfBeingClaimed) {
  auto ids = importUploadLocal({newAsset("a"), newAsset("b")});
  store->deleteAssets(org, project, {ids[0]});
  auto jobs = store->claimCopyJobs(10, kLongLease);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].assetId, ids[1]);
  EXPECT_EQ(queryInt(dbPath(),
                     "SELECT COUNT(*) FROM copy_jobs WHERE status = 'failed'"
                     " AND error = 'asset deleted'"),
            1);
}

TEST_P(CopyJobsTest, JobsSurviveReopeningTheStore) {
  auto ids = importUploadLocal({newAsset("a")});
  auto jobs = store->claimCopyJobs(1, 0);  // the process "dies" holding it
  store.reset();
  store = openStore();
  EXPECT_TRUE(store->nextCopyJobDue().has_value());
  auto resumed = store->claimCopyJobs(1, kLongLease);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].assetId, ids[0]);
}

}  // namespace
}  // namespace assetd::store::testing
