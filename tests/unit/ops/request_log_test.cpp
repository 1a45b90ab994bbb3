#include "ops/request_log.hpp"

#include <gtest/gtest.h>

#include <set>

namespace assetd::ops {
namespace {

TEST(RequestId, KeepsOnlySaneClientValues) {
  EXPECT_TRUE(saneRequestId("abc-123_X.y:z"));
  EXPECT_TRUE(saneRequestId(std::string(128, 'a')));
  EXPECT_FALSE(saneRequestId(""));
  EXPECT_FALSE(saneRequestId(std::string(129, 'a')));
  EXPECT_FALSE(saneRequestId("has space"));
  EXPECT_FALSE(saneRequestId("new\nline"));
  EXPECT_FALSE(saneRequestId("caf\xc3\xa9"));
}

TEST(RequestId, NewIdsAreThirtyTwoHexCharactersAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = newRequestId();
    ASSERT_EQ(id.size(), 32u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RequestScope, NestsAndRestores) {
  EXPECT_EQ(currentRequest(), nullptr);
  RequestLog outer{"outer", ""}, inner{"inner", ""};
  {
    RequestScope a(&outer);
    EXPECT_EQ(currentRequest(), &outer);
    {
      RequestScope b(&inner);
      EXPECT_EQ(currentRequest(), &inner);
    }
    EXPECT_EQ(currentRequest(), &outer);
  }
  EXPECT_EQ(currentRequest(), nullptr);
}

}  // namespace
}  // namespace assetd::ops
