// findApiKeyAndProject: the key and the project's existence in one read, on both backends,
// answering exactly as findApiKey followed by getProject (the interface's default) would.
#include "store_fixture.hpp"

namespace assetd::store::testing {
namespace {

class KeyAndProjectTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;
    keyId = store->createApiKey(org, "ci", "hash-1");
  }

  // The one-read answer, checked against the composed default of the interface.
  std::optional<Store::KeyAndProject> lookup(const std::string& hash,
                                             const std::string& projectId) {
    auto fast = store->findApiKeyAndProject(hash, projectId);
    auto composed = store->Store::findApiKeyAndProject(hash, projectId);
    EXPECT_EQ(fast.has_value(), composed.has_value());
    if (fast && composed) {
      EXPECT_EQ(fast->key.id, composed->key.id);
      EXPECT_EQ(fast->key.organizationId, composed->key.organizationId);
      EXPECT_EQ(fast->key.name, composed->key.name);
      EXPECT_EQ(fast->projectExists, composed->projectExists);
    }
    return fast;
  }

  std::string keyId;
};

ASSETD_STORE_BACKENDS(KeyAndProjectTest);

TEST_P(KeyAndProjectTest, KeyAndOwnProject) {
  auto found = lookup("hash-1", project);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->key.id, keyId);
  EXPECT_EQ(found->key.organizationId, org);
  EXPECT_EQ(found->key.name, "ci");
  EXPECT_TRUE(found->projectExists);
}

TEST_P(KeyAndProjectTest, ProjectsThatDoNotCountAsExisting) {
  std::string foreign = store->createProject(otherOrg, {.name = "theirs"}).id;
  std::string gone = store->createProject(org, {.name = "gone"}).id;
  ASSERT_TRUE(store->deleteProject(org, gone));

  for (const std::string& id : {foreign, gone, core::newObjectId(), std::string()}) {
    auto found = lookup("hash-1", id);
    ASSERT_TRUE(found) << id;
    EXPECT_EQ(found->key.id, keyId);
    EXPECT_FALSE(found->projectExists) << id;
  }
}

TEST_P(KeyAndProjectTest, UnknownKeyIsNoAnswerWhateverTheProject) {
  EXPECT_FALSE(lookup("hash-2", project));
  EXPECT_FALSE(lookup("", project));
}

TEST_P(KeyAndProjectTest, RevocationOnAnotherNodeTakesEffectAtOnce) {
  auto otherNode = openStore();
  ASSERT_TRUE(lookup("hash-1", project));
  ASSERT_TRUE(otherNode->revokeApiKey(keyId));
  EXPECT_FALSE(lookup("hash-1", project));
}

}  // namespace
}  // namespace assetd::store::testing
