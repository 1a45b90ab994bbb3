#include "core/error.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace assetd::core {
namespace {

TEST(FileSystemError, AFullDiskIs507WithAPublicMessageAndTheCauseForTheLog) {
  for (int error : {ENOSPC, EDQUOT}) {
    ApiError e = fileSystemError("object write failed", error);
    EXPECT_EQ(e.status(), 507);
    EXPECT_TRUE(e.messageIsPublic());
    EXPECT_STREQ(e.what(), "insufficient storage: the data directory's file system is full");
    EXPECT_NE(e.logText().find("object write failed: "), std::string::npos) << e.logText();
    EXPECT_EQ(e.retryAfterSeconds(), 0);
  }
}

TEST(FileSystemError, OtherErrorsAre500sThatTheClientDoesNotSee) {
  ApiError e = fileSystemError("object write failed", EIO);
  EXPECT_EQ(e.status(), 500);
  EXPECT_FALSE(e.messageIsPublic());
  EXPECT_EQ(e.logText(), e.what());
  EXPECT_NE(std::string(e.what()).find("object write failed: "), std::string::npos);
}

TEST(Unavailable, Is503WithItsReasonShownAndARetryAfter) {
  ApiError e = ApiError::unavailable("the database is locked", "database is locked (step)", 5);
  EXPECT_EQ(e.status(), 503);
  EXPECT_TRUE(e.messageIsPublic());
  EXPECT_STREQ(e.what(), "service unavailable: the database is locked; retry later");
  EXPECT_EQ(e.retryAfterSeconds(), 5);
  EXPECT_NE(e.logText().find("database is locked (step)"), std::string::npos);
}

TEST(IsNoSpace, OnlySpaceAndQuota) {
  EXPECT_TRUE(isNoSpace(ENOSPC));
  EXPECT_TRUE(isNoSpace(EDQUOT));
  EXPECT_FALSE(isNoSpace(EIO));
  EXPECT_FALSE(isNoSpace(0));
}

}  // namespace
}  // namespace assetd::core
