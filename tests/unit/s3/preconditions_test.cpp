// S3's conditional requests: entity-tag lists, the order in which read conditions decide
// (RFC 9110 section 13.2.2, as S3 documents it), second resolution, and the write conditions.
#include "s3/preconditions.hpp"

#include <gtest/gtest.h>

#include "s3_error_code.hpp"

namespace assetd::s3 {
namespace {

using testing::codeOf;

const std::string kEtag = "\"0123456789abcdef0123456789abcdef\"";
constexpr std::int64_t kModified = 1700000000'500;  // milliseconds; Last-Modified says ...000 s
const std::string kBefore = "Tue, 14 Nov 2023 22:13:19 GMT";  // one second before
const std::string kSame = "Tue, 14 Nov 2023 22:13:20 GMT";    // the second Last-Modified shows
const std::string kAfter = "Tue, 14 Nov 2023 22:13:21 GMT";

ReadEvaluation eval(HeaderFields headers, std::string_view prefix = "") {
  return evaluate(readConditionsOf(headers, prefix), kEtag, kModified);
}

TEST(Preconditions, EntityTagLists) {
  EXPECT_TRUE(etagMatches(kEtag, kEtag));
  EXPECT_TRUE(etagMatches("0123456789abcdef0123456789abcdef", kEtag));  // unquoted
  EXPECT_TRUE(etagMatches("W/" + kEtag, kEtag));
  EXPECT_TRUE(etagMatches("\"x\", " + kEtag + " ,\"y\"", kEtag));
  EXPECT_TRUE(etagMatches("*", kEtag));
  EXPECT_FALSE(etagMatches("\"x\", \"y\"", kEtag));
  EXPECT_FALSE(etagMatches("\"0123456789abcdef\"", kEtag));
  EXPECT_FALSE(etagMatches("", kEtag));
}

TEST(Preconditions, EachReadConditionAlone) {
  EXPECT_EQ(eval({}).outcome, ReadOutcome::Proceed);
  EXPECT_EQ(eval({{"if-match", kEtag}}).outcome, ReadOutcome::Proceed);
  ReadEvaluation failed = eval({{"if-match", "\"other\""}});
  EXPECT_EQ(failed.outcome, ReadOutcome::Failed);
  EXPECT_EQ(failed.condition, "If-Match");
  ReadEvaluation notModified = eval({{"if-none-match", kEtag}});
  EXPECT_EQ(notModified.outcome, ReadOutcome::NotModified);
  EXPECT_EQ(notModified.condition, "If-None-Match");
  EXPECT_EQ(eval({{"if-none-match", "\"other\""}}).outcome, ReadOutcome::Proceed);

  // Second resolution: modified "since" the very second Last-Modified shows is not modified.
  EXPECT_EQ(eval({{"if-modified-since", kBefore}}).outcome, ReadOutcome::Proceed);
  EXPECT_EQ(eval({{"if-modified-since", kSame}}).outcome, ReadOutcome::NotModified);
  EXPECT_EQ(eval({{"if-modified-since", kAfter}}).condition, "If-Modified-Since");
  EXPECT_EQ(eval({{"if-unmodified-since", kSame}}).outcome, ReadOutcome::Proceed);
  EXPECT_EQ(eval({{"if-unmodified-since", kAfter}}).outcome, ReadOutcome::Proceed);
  ReadEvaluation changed = eval({{"if-unmodified-since", kBefore}});
  EXPECT_EQ(changed.outcome, ReadOutcome::Failed);
  EXPECT_EQ(changed.condition, "If-Unmodified-Since");
}

TEST(Preconditions, PrecedenceAsS3DocumentsIt) {
  // If-Match true, If-Unmodified-Since false: 200.
  EXPECT_EQ(eval({{"if-match", kEtag}, {"if-unmodified-since", kBefore}}).outcome,
            ReadOutcome::Proceed);
  // If-None-Match false (it matches), If-Modified-Since true: 304.
  EXPECT_EQ(eval({{"if-none-match", kEtag}, {"if-modified-since", kBefore}}).outcome,
            ReadOutcome::NotModified);
  // If-None-Match true (no match), If-Modified-Since false: the tag decides, 200.
  EXPECT_EQ(eval({{"if-none-match", "\"other\""}, {"if-modified-since", kAfter}}).outcome,
            ReadOutcome::Proceed);
  // A failed If-Match wins over a matching If-None-Match: 412, not 304.
  EXPECT_EQ(eval({{"if-match", "\"other\""}, {"if-none-match", kEtag}}).outcome,
            ReadOutcome::Failed);
  // A failed If-Unmodified-Since wins over a 304 of If-Modified-Since.
  EXPECT_EQ(eval({{"if-unmodified-since", kBefore}, {"if-modified-since", kAfter}}).outcome,
            ReadOutcome::Failed);
}

TEST(Preconditions, EmptyHeadersAndBadDatesAreNoConditions) {
  EXPECT_EQ(eval({{"if-match", ""}}).outcome, ReadOutcome::Proceed);
  EXPECT_EQ(eval({{"if-modified-since", "not a date"}}).outcome, ReadOutcome::Proceed);
  EXPECT_EQ(eval({{"if-unmodified-since", "Tue, 14 Nov 2023"}}).outcome, ReadOutcome::Proceed);
  // Obsolete date forms count.
  EXPECT_EQ(eval({{"if-modified-since", "Tuesday, 14-Nov-23 22:13:20 GMT"}}).outcome,
            ReadOutcome::NotModified);
  EXPECT_EQ(eval({{"if-modified-since", "Tue Nov 14 22:13:20 2023"}}).outcome,
            ReadOutcome::NotModified);
}

TEST(Preconditions, CopySourceConditionsAreNamedWithTheirPrefix) {
  constexpr std::string_view kPrefix = "x-amz-copy-source-";
  EXPECT_EQ(eval({{"if-match", "\"other\""}}, kPrefix).outcome, ReadOutcome::Proceed);
  ReadEvaluation failed = eval({{"x-amz-copy-source-if-match", "\"other\""}}, kPrefix);
  EXPECT_EQ(failed.outcome, ReadOutcome::Failed);
  EXPECT_EQ(failed.condition, "x-amz-copy-source-If-Match");
  // A copy has no 304: a source that is "not modified" fails the copy.
  auto conditions = readConditionsOf({{"x-amz-copy-source-if-none-match", kEtag}}, kPrefix);
  EXPECT_EQ(codeOf([&] { requireReadConditions(conditions, kEtag, kModified); }),
            "PreconditionFailed");
  conditions = readConditionsOf({{"x-amz-copy-source-if-unmodified-since", kSame}}, kPrefix);
  EXPECT_EQ(codeOf([&] { requireReadConditions(conditions, kEtag, kModified); }), "");
}

TEST(Preconditions, WriteConditions) {
  WriteConditions none = writeConditionsOf({});
  EXPECT_FALSE(none.any());
  EXPECT_EQ(codeOf([&] { checkWriteConditions(none, std::nullopt); }), "");

  WriteConditions create = writeConditionsOf({{"if-none-match", "*"}});
  EXPECT_TRUE(create.ifNoneMatch);
  EXPECT_EQ(codeOf([&] { checkWriteConditions(create, std::nullopt); }), "");
  EXPECT_EQ(codeOf([&] { checkWriteConditions(create, kEtag); }), "PreconditionFailed");
  EXPECT_EQ(codeOf([] { writeConditionsOf({{"if-none-match", "\"abc\""}}); }), "NotImplemented");

  WriteConditions replace = writeConditionsOf({{"if-match", kEtag}});
  EXPECT_EQ(codeOf([&] { checkWriteConditions(replace, kEtag); }), "");
  EXPECT_EQ(codeOf([&] { checkWriteConditions(replace, std::string("\"x\"")); }),
            "PreconditionFailed");
  EXPECT_EQ(codeOf([&] { checkWriteConditions(replace, std::nullopt); }), "NoSuchKey");
  try {
    checkWriteConditions(create, kEtag);
    FAIL();
  } catch (const PreconditionFailed& e) {
    EXPECT_EQ(e.status(), 412);
    EXPECT_EQ(e.condition(), "If-None-Match");
  }
  EXPECT_EQ(conditionalRequestConflict().status(), 409);
  EXPECT_EQ(conditionalRequestConflict().code(), "ConditionalRequestConflict");
}

}  // namespace
}  // namespace assetd::s3
