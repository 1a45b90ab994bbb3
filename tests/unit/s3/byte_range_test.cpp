// Range headers resolved against an object's size, as S3 answers them.
#include <gtest/gtest.h>

#include "s3/byte_range.hpp"
#include "s3_error_code.hpp"

namespace assetd::s3 {
namespace {

using Kind = ResolvedRange::Kind;

TEST(ByteRange, ClosedRangeIsClampedToTheEnd) {
  auto r = resolveRange("bytes=0-4", 11);
  EXPECT_EQ(r.kind, Kind::Partial);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 4u);
  EXPECT_EQ(r.length(), 5u);
  r = resolveRange("bytes=5-100", 11);
  EXPECT_EQ(r.kind, Kind::Partial);
  EXPECT_EQ(r.first, 5u);
  EXPECT_EQ(r.last, 10u);
}

TEST(ByteRange, OpenRangeRunsToTheEnd) {
  auto r = resolveRange("bytes=7-", 11);
  EXPECT_EQ(r.kind, Kind::Partial);
  EXPECT_EQ(r.first, 7u);
  EXPECT_EQ(r.last, 10u);
}

TEST(ByteRange, SuffixTakesTheLastBytes) {
  auto r = resolveRange("bytes=-3", 11);
  EXPECT_EQ(r.kind, Kind::Partial);
  EXPECT_EQ(r.first, 8u);
  EXPECT_EQ(r.last, 10u);
  r = resolveRange("bytes=-50", 11);  // longer than the object: all of it, still partial
  EXPECT_EQ(r.kind, Kind::Partial);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 10u);
}

TEST(ByteRange, StartPastTheEndIsUnsatisfiable) {
  EXPECT_EQ(resolveRange("bytes=11-", 11).kind, Kind::Unsatisfiable);
  EXPECT_EQ(resolveRange("bytes=20-30", 11).kind, Kind::Unsatisfiable);
  EXPECT_EQ(resolveRange("bytes=-0", 11).kind, Kind::Unsatisfiable);
  EXPECT_EQ(resolveRange("bytes=0-", 0).kind, Kind::Unsatisfiable);
  EXPECT_EQ(resolveRange("bytes=-5", 0).kind, Kind::Unsatisfiable);
}

TEST(ByteRange, WhatS3IgnoresMeansTheWholeObject) {
  for (const char* header : {"", "bytes=", "bytes=5-2", "bytes=0-1,3-4", "items=0-1", "bytes=a-b",
                             "bytes=-", "bytes=1", "bytes=+1-2", "bytes=99999999999999999999-"})
    EXPECT_EQ(resolveRange(header, 11).kind, Kind::Whole) << header;
}

TEST(ByteRange, BlanksAroundTheNumbersAreAccepted) {
  auto r = resolveRange(" bytes= 2 - 3 ", 11);
  EXPECT_EQ(r.kind, Kind::Partial);
  EXPECT_EQ(r.first, 2u);
  EXPECT_EQ(r.last, 3u);
}

TEST(CopySourceRange, BothOffsetsInclusiveWithinTheSource) {
  auto r = copySourceRange("bytes=2-5", 11);
  EXPECT_EQ(r.first, 2u);
  EXPECT_EQ(r.length, 4u);
  r = copySourceRange("bytes=10-10", 11);
  EXPECT_EQ(r.first, 10u);
  EXPECT_EQ(r.length, 1u);
}

TEST(CopySourceRange, WithoutTheHeaderTheWholeSource) {
  auto r = copySourceRange("", 11);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.length, 11u);
}

TEST(CopySourceRange, PastTheSourcesEndIsInvalidRange) {
  for (const char* header : {"bytes=0-11", "bytes=11-11", "bytes=5-20"})
    EXPECT_EQ(testing::codeOf([&] { copySourceRange(header, 11); }), "InvalidRange") << header;
}

TEST(CopySourceRange, AnythingElseIsInvalidArgument) {
  for (const char* header : {"bytes=5-4", "bytes=-3", "bytes=3-", "bytes=a-b", "items=0-1",
                             "bytes=0-1,3-4", "bytes= 1-2", "bytes=1-99999999999999999999"})
    EXPECT_EQ(testing::codeOf([&] { copySourceRange(header, 11); }), "InvalidArgument") << header;
}

}  // namespace
}  // namespace assetd::s3
