#include "core/json_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>

namespace assetd::core {
namespace {

using namespace std::string_literals;

std::string str(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

std::string num(double v) {
  std::string out;
  appendJsonNumber(out, v);
  return out;
}

TEST(AppendJsonString, QuotesAndAppends) {
  std::string out = "[";
  appendJsonString(out, "a");
  EXPECT_EQ(out, "[\"a\"");
  EXPECT_EQ(str(""), "\"\"");
}

TEST(AppendJsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(str("say \"hi\" \\ /"), R"("say \"hi\" \\ /")");
  EXPECT_EQ(str("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(str("\x01\x1f"), R"("\u0001\u001f")");
  EXPECT_EQ(str("a\0b"s), R"("a\u0000b")");
  EXPECT_EQ(str("\x7f"), "\"\x7f\"");
}

TEST(AppendJsonString, KeepsValidUtf8) {
  EXPECT_EQ(str("\xc3\xa9"), "\"\xc3\xa9\"");                  // é
  EXPECT_EQ(str("\xe2\x82\xac"), "\"\xe2\x82\xac\"");          // €
  EXPECT_EQ(str("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");  // 😀
  EXPECT_EQ(str("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");  // U+10FFFF
  EXPECT_EQ(str("\xed\x9f\xbf"), "\"\xed\x9f\xbf\"");          // U+D7FF
}

TEST(AppendJsonString, ReplacesEachInvalidByte) {
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(str("\x80"), "\"" + fffd + "\"");  // lone continuation
  EXPECT_EQ(str("a\xff"
                "b"),
            "\"a" + fffd + "b\"");                                              // never valid
  EXPECT_EQ(str("\xc0\xaf"), "\"" + fffd + fffd + "\"");                        // overlong '/'
  EXPECT_EQ(str("\xe0\x80\xaf"), "\"" + fffd + fffd + fffd + "\"");             // overlong 3-byte
  EXPECT_EQ(str("\xed\xa0\x80"), "\"" + fffd + fffd + fffd + "\"");             // surrogate U+D800
  EXPECT_EQ(str("\xf4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");  // > U+10FFFF
  EXPECT_EQ(str("\xc3"), "\"" + fffd + "\"");               // truncated at the end
  EXPECT_EQ(str("\xe2\x82x"), "\"" + fffd + fffd + "x\"");  // truncated mid-string
  EXPECT_EQ(str("\xc3\xa9\xc3"), "\"\xc3\xa9" + fffd + "\"");
}

TEST(AppendJsonNumber, IntegersHaveNoFraction) {
  EXPECT_EQ(num(0), "0");
  EXPECT_EQ(num(1), "1");
  EXPECT_EQ(num(-1000), "-1000");
  EXPECT_EQ(num(9007199254740992.0), "9007199254740992");
}

TEST(AppendJsonNumber, ShortestRoundTrip) {
  EXPECT_EQ(num(0.1), "0.1");
  EXPECT_EQ(num(2.5), "2.5");
  EXPECT_EQ(num(1.0 / 3), "0.3333333333333333");
  for (double v : {0.1, 1e-7, 123456.789, 1e300, -2.2250738585072014e-308, 5e-324}) {
    const std::string text = num(v);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
  }
}

TEST(AppendJsonNumber, ExponentsAreValidJson) {
  EXPECT_EQ(num(1e21), "1e+21");
  EXPECT_EQ(num(1e-7), "1e-07");
}

TEST(AppendJsonNumber, NonFiniteBecomesNull) {
  EXPECT_EQ(num(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(num(-std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(num(std::nan("")), "null");
}

TEST(AppendJsonNumber, Appends) {
  std::string out = "[1,";
  appendJsonNumber(out, 2);
  EXPECT_EQ(out, "[1,2");
}

}  // namespace
}  // namespace assetd::core
