#include "core/ids.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <set>
#include <thread>
#include <vector>

namespace assetd::core {
namespace {

TEST(NewObjectId, IsTwentyFourLowercaseHexCharacters) {
  const std::string id = newObjectId();
  EXPECT_EQ(id.size(), 24u);
  EXPECT_TRUE(isObjectId(id)) << id;
}

TEST(NewObjectId, StartsWithTheCurrentUnixSeconds) {
  const auto before = static_cast<unsigned long>(std::time(nullptr));
  const std::string id = newObjectId();
  const auto after = static_cast<unsigned long>(std::time(nullptr));
  const unsigned long seconds = std::stoul(id.substr(0, 8), nullptr, 16);
  EXPECT_GE(seconds, before);
  EXPECT_LE(seconds, after + 1);
}

TEST(NewObjectId, SharesTheProcessRandomPart) {
  EXPECT_EQ(newObjectId().substr(8, 10), newObjectId().substr(8, 10));
}

TEST(NewObjectId, StrictlyIncreasingWithinAProcess) {
  // More ids than the 24-bit counter holds would be slow; enough to cross many counter values.
  std::string previous = newObjectId();
  for (int i = 0; i < 200000; ++i) {
    std::string next = newObjectId();
    ASSERT_LT(previous, next);
    previous = std::move(next);
  }
}

TEST(NewObjectId, UniqueAndOrderedAcrossThreads) {
  constexpr int kThreads = 4, kEach = 20000;
  std::vector<std::vector<std::string>> perThread(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) perThread[t].push_back(newObjectId());
    });
  for (auto& thread : threads) thread.join();
  std::set<std::string> all;
  for (const auto& ids : perThread) {
    for (std::size_t i = 1; i < ids.size(); ++i) ASSERT_LT(ids[i - 1], ids[i]);
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST(IsObjectId, AcceptsOnlyTwentyFourLowercaseHex) {
  EXPECT_TRUE(isObjectId("0123456789abcdef01234567"));
  EXPECT_FALSE(isObjectId("0123456789ABCDEF01234567"));
  EXPECT_FALSE(isObjectId("0123456789abcdef0123456"));
  EXPECT_FALSE(isObjectId("0123456789abcdef012345678"));
  EXPECT_FALSE(isObjectId("0123456789abcdef0123456g"));
  EXPECT_FALSE(isObjectId("0123456789abcdef 1234567"));
  EXPECT_FALSE(isObjectId(""));
  EXPECT_FALSE(isObjectId(std::string("0123456789abcdef0123456\0", 24)));
}

TEST(RandomHex, HasTwoCharactersPerByteAndVaries) {
  EXPECT_EQ(randomHex(0), "");
  const std::string a = randomHex(16), b = randomHex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace assetd::core
