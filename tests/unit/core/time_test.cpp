#include "core/time.hpp"

#include <gtest/gtest.h>

namespace assetd::core {
namespace {

TEST(IsoMillis, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(isoMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(isoMillis(1795876829123), "2026-11-28T14:40:29.123Z");
  EXPECT_EQ(isoMillis(253402300799999), "9999-12-31T23:59:59.999Z");
}

TEST(IsoMillis, FormatsTimesBefore1970) {
  EXPECT_EQ(isoMillis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(isoMillis(-86400000), "1969-12-31T00:00:00.000Z");
  EXPECT_EQ(isoMillis(-86400001), "1969-12-30T23:59:59.999Z");
  EXPECT_EQ(isoMillis(-2208988800000), "1900-01-01T00:00:00.000Z");
  EXPECT_EQ(isoMillis(-62135596800000), "0001-01-01T00:00:00.000Z");
}

TEST(IsoMillis, FormatsLeapDays) {
  EXPECT_EQ(isoMillis(1709208000000), "2024-02-29T12:00:00.000Z");
  EXPECT_EQ(isoMillis(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(isoMillis(-11670998400000), "1600-02-29T00:00:00.000Z");
  EXPECT_EQ(isoMillis(1709208000000 + 12 * 3600000), "2024-03-01T00:00:00.000Z");
}

TEST(ParseIsoMillis, ReadsTheFormatItWrites) {
  EXPECT_EQ(parseIsoMillis("2026-11-28T14:40:29.123Z"), 1795876829123);
  EXPECT_EQ(parseIsoMillis("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(parseIsoMillis("0001-01-01T00:00:00.000Z"), -62135596800000);
  EXPECT_EQ(parseIsoMillis("9999-12-31T23:59:59.999Z"), 253402300799999);
}

TEST(ParseIsoMillis, RoundTripsAcrossCenturiesAndLeapYears) {
  // Steps of a little over 3 days and 7 hours, from 1600 to 2400, hit every month and year kind.
  const std::int64_t step = 3 * 86400000LL + 7 * 3600000LL + 1234;
  for (std::int64_t ms = -11670998400000; ms < 13569465600000; ms += step) {
    const std::string text = isoMillis(ms);
    ASSERT_EQ(parseIsoMillis(text), ms) << text;
  }
}

TEST(ParseIsoMillis, AcceptsShorterForms) {
  EXPECT_EQ(parseIsoMillis("1970-01-01"), 0);
  EXPECT_EQ(parseIsoMillis("2000-02-29"), 951782400000);
  EXPECT_EQ(parseIsoMillis("2024-01-01T04:30"), 1704083400000);
  EXPECT_EQ(parseIsoMillis("2024-01-01T04:30Z"), 1704083400000);
  EXPECT_EQ(parseIsoMillis("2024-01-01T04:30:00"), 1704083400000);
  EXPECT_EQ(parseIsoMillis("2024-01-01 04:30:00"), 1704083400000);
}

TEST(ParseIsoMillis, FractionsAreTruncatedToMilliseconds) {
  EXPECT_EQ(parseIsoMillis("1970-01-01T00:00:00.1Z"), 100);
  EXPECT_EQ(parseIsoMillis("1970-01-01T00:00:00.12Z"), 120);
  EXPECT_EQ(parseIsoMillis("1970-01-01T00:00:00.123456Z"), 123);  // the SDK's "%f" form
  EXPECT_EQ(parseIsoMillis("1970-01-01T00:00:00.9999999"), 999);
}

TEST(ParseIsoMillis, AppliesOffsets) {
  EXPECT_EQ(parseIsoMillis("2024-01-01T10:00:00+05:30"), 1704083400000);
  EXPECT_EQ(parseIsoMillis("2023-12-31T20:30:00-08:00"), 1704083400000);
  EXPECT_EQ(parseIsoMillis("2024-01-01T04:30:00.000+00:00"), 1704083400000);
  EXPECT_EQ(parseIsoMillis("1970-01-01T00:00:00-00:01"), 60000);
}

TEST(ParseIsoMillis, RejectsImpossibleDates) {
  for (const char* s :
       {"2023-02-29", "1900-02-29", "2024-02-30", "2024-04-31", "2024-06-31", "2024-09-31",
        "2024-11-31", "2024-01-32", "2024-00-10", "2024-13-01", "2024-01-00"})
    EXPECT_EQ(parseIsoMillis(s), std::nullopt) << s;
}

TEST(ParseIsoMillis, RejectsImpossibleTimesAndOffsets) {
  for (const char* s : {"2024-01-01T24:00", "2024-01-01T10:60", "2024-01-01T10:00:61",
                        "2024-01-01T10:00:00+24:00", "2024-01-01T10:00:00+05:60"})
    EXPECT_EQ(parseIsoMillis(s), std::nullopt) << s;
}

TEST(ParseIsoMillis, RejectsMalformedText) {
  for (const char* s : {"",
                        "2024",
                        "2024-01",
                        "2024-1-01",
                        "2024/01/01",
                        "abcd-01-01",
                        "2024-01-01x",
                        "2024-01-01T",
                        "2024-01-01T10",
                        "2024-01-01T10:0",
                        "2024-01-01T1000",
                        "2024-01-01T10:00:",
                        "2024-01-01T10:00:0",
                        "2024-01-01T10:00:00.",
                        "2024-01-01T10:00:00Zjunk",
                        "2024-01-01T10:00:00+0530",
                        "2024-01-01T10:00:00+05",
                        "2024-01-01T10:00:00 Z",
                        "2024-01-01Z",
                        "yesterday",
                        " 2024-01-01"})
    EXPECT_EQ(parseIsoMillis(s), std::nullopt) << s;
}

TEST(NowMillis, IsAfterThisCodeWasWritten) {
  EXPECT_GT(nowMillis(), *parseIsoMillis("2024-01-01"));
}

}  // namespace
}  // namespace assetd::core
