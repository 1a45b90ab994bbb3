// HTTP-date parsing: RFC 9110's example instant in its three forms, the two-digit years of the
// RFC 850 form, and what is not a date.
#include "s3/http_date.hpp"

#include <gtest/gtest.h>

namespace assetd::s3 {
namespace {

constexpr std::int64_t kExample = 784111777;  // 1994-11-06T08:49:37Z

TEST(HttpDate, TheThreeFormsOfOneInstant) {
  EXPECT_EQ(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", 2026), kExample);
  EXPECT_EQ(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", 2026), kExample);
  EXPECT_EQ(parseHttpDate("Sun Nov  6 08:49:37 1994", 2026), kExample);
  EXPECT_EQ(parseHttpDate("Sun Nov 16 08:49:37 1994", 2026), kExample + 10 * 86400);
  EXPECT_EQ(parseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT", 2026), 0);
  EXPECT_EQ(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), kExample);
}

TEST(HttpDate, LeapDaysAndTheEndOfMonths) {
  EXPECT_EQ(parseHttpDate("Thu, 29 Feb 2024 12:00:00 GMT", 2026), 1709208000);
  EXPECT_FALSE(parseHttpDate("Wed, 29 Feb 2023 12:00:00 GMT", 2026));
  EXPECT_EQ(parseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT", 2026), 951782400);
  EXPECT_FALSE(parseHttpDate("Thu, 29 Feb 1900 00:00:00 GMT", 2026));
  EXPECT_FALSE(parseHttpDate("Thu, 31 Apr 2026 00:00:00 GMT", 2026));
  EXPECT_EQ(parseHttpDate("Thu, 31 Dec 2026 23:59:59 GMT", 2026), 1798761599);
}

TEST(HttpDate, TwoDigitYearsAreAtMostFiftyYearsAhead) {
  // In 2026: "76" is 2076 (50 years ahead), "77" is 1977.
  EXPECT_EQ(parseHttpDate("Wednesday, 01-Jan-76 00:00:00 GMT", 2026), 3345062400);
  EXPECT_EQ(parseHttpDate("Saturday, 01-Jan-77 00:00:00 GMT", 2026), 220924800);
  EXPECT_EQ(parseHttpDate("Thursday, 01-Jan-26 00:00:00 GMT", 2026), 1767225600);
  EXPECT_EQ(parseHttpDate("Thursday, 01-Jan-70 00:00:00 GMT", 1999), 0);
}

TEST(HttpDate, AnythingElseIsNoDate) {
  for (const char* text :
       {"", "yesterday", "Sun, 06 Nov 1994 08:49:37",  // no zone
        "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun,06 Nov 1994 08:49:37 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT", "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 94", "2026-12-03T10:00:00Z", "1733220000"})
    EXPECT_FALSE(parseHttpDate(text, 2026)) << text;
}

}  // namespace
}  // namespace assetd::s3
