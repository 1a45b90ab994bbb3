// Storage integrations in the SQLite store: scoping by organization, the sealed credentials,
// and deletion.
#include "core/ids.hpp"
#include "store_fixture.hpp"

namespace assetd::store::testing {
namespace {

core::NewStorage newStorage(const std::string& name, const std::string& sealed = "v1:c2VhbGVk") {
  return core::NewStorage{.id = core::newObjectId(),
                          .name = name,
                          .provider = "AWS",
                          .bucket = "media",
                          .region = "eu-central-1",
                          .endpoint = "http://127.0.0.1:9000",
                          .sealedCredentials = sealed};
}

using StoragesTest = StoreTest;
ASSETD_STORE_BACKENDS(StoragesTest);

TEST_P(StoragesTest, CreateKeepsEveryFieldAndTheGivenId) {
  auto input = newStorage("s3");
  auto created = store->createStorage(org, input);
  EXPECT_EQ(created.id, input.id);
  EXPECT_EQ(created.organization, org);
  EXPECT_EQ(created.provider, "AWS");
  EXPECT_GT(created.createdAt, 0);
  EXPECT_TRUE(created.sealedCredentials.empty());  // never echoed back

  auto got = store->getStorage(org, input.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "s3");
  EXPECT_EQ(got->bucket, "media");
  EXPECT_EQ(got->region, "eu-central-1");
  EXPECT_EQ(got->endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(got->sealedCredentials, "v1:c2VhbGVk");
  EXPECT_EQ(got->createdAt, created.createdAt);
}

TEST_P(StoragesTest, ListIsOldestFirstAndCarriesNoCredentials) {
  auto a = store->createStorage(org, newStorage("a"));
  auto b = store->createStorage(org, newStorage("b"));
  store->createStorage(otherOrg, newStorage("foreign"));
  auto all = store->listStorages(org, std::nullopt);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, a.id);
  EXPECT_EQ(all[1].id, b.id);
  for (const auto& s : all) EXPECT_TRUE(s.sealedCredentials.empty());

  auto one = store->listStorages(org, b.id);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].name, "b");
  EXPECT_TRUE(store->listStorages(org, std::string("nope")).empty());
}

TEST_P(StoragesTest, AnotherOrganizationsStorageIsNotFound) {
  auto foreign = store->createStorage(otherOrg, newStorage("foreign"));
  EXPECT_FALSE(store->getStorage(org, foreign.id));
  EXPECT_TRUE(store->listStorages(org, foreign.id).empty());
  EXPECT_FALSE(store->deleteStorage(org, foreign.id));
  EXPECT_TRUE(store->getStorage(otherOrg, foreign.id));  // untouched
}

TEST_P(StoragesTest, DeleteHidesTheStorageAndErasesItsCredentials) {
  auto s = store->createStorage(org, newStorage("gone", "v1:U0VDUkVU"));
  EXPECT_TRUE(store->deleteStorage(org, s.id));
  EXPECT_FALSE(store->getStorage(org, s.id));
  EXPECT_TRUE(store->listStorages(org, std::nullopt).empty());
  EXPECT_FALSE(store->deleteStorage(org, s.id));  // a second delete finds nothing
  EXPECT_EQ(
      queryInt(dbPath(), "SELECT COUNT(*) FROM storages WHERE sealed_credentials = 'v1:U0VDUkVU'"),
      0);
  EXPECT_EQ(queryInt(dbPath(), "SELECT deleted FROM storages WHERE id = '" + s.id + "'"), 1);
}

TEST_P(StoragesTest, UnknownOrganizationIs404) {
  EXPECT_EQ(errorStatus([&] { store->createStorage(core::newObjectId(), newStorage("x")); }), 404);
}

TEST_P(StoragesTest, ProviderOutsideTheThreeIsRefusedByTheSchema) {
  auto bad = newStorage("x");
  bad.provider = "FTP";
  EXPECT_EQ(errorStatus([&] { store->createStorage(org, bad); }), 500);
  EXPECT_TRUE(store->listStorages(org, std::nullopt).empty());
}

}  // namespace
}  // namespace assetd::store::testing
