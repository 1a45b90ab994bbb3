#include "http/message.hpp"

#include <gtest/gtest.h>

namespace assetd::http {
namespace {

std::string headerOf(const Response& r, const std::string& name) {
  for (const auto& [key, value] : r.headers)
    if (key == name) return value;
  return "";
}

TEST(ErrorResponse, ShowsPublicMessagesAndNamesRetryAfter) {
  Response r = errorResponse(core::ApiError::unavailable("the database is locked", "detail", 7));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body,
            R"({"status":"error","message":"service unavailable: the database is locked; retry )"
            R"(later","error":{"statusCode":503}})");
  EXPECT_EQ(headerOf(r, "Retry-After"), "7");
}

TEST(ErrorResponse, A507SaysTheDiskIsFull) {
  Response r = errorResponse(core::ApiError::insufficientStorage("write: No space left on device"));
  EXPECT_EQ(r.status, 507);
  EXPECT_EQ(r.body,
            R"({"status":"error","message":"insufficient storage: the data directory's file )"
            R"(system is full","error":{"statusCode":507}})");
  EXPECT_TRUE(r.headers.empty());
}

TEST(ErrorResponse, HidesTheDetailOfA500) {
  Response r = errorResponse(core::ApiError::internal("database error (step): disk I/O error"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"status":"error","message":"internal error","error":{"statusCode":500}})");
  Response shown = errorResponse(core::ApiError::operatorFault("wrong master key"));
  EXPECT_NE(shown.body.find("wrong master key"), std::string::npos);
  EXPECT_EQ(errorResponse(core::ApiError::notFound("project")).status, 404);
}

}  // namespace
}  // namespace assetd::http
