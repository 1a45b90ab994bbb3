// The PostgreSQL store's pure helpers: the text form that makes any bytes storable, the jsonb
// form of metadata, and a task's initial answer. No database needed.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "store/postgres/label_answer.hpp"
#include "store/postgres/text_codec.hpp"

namespace assetd::store::postgres {
namespace {

using namespace std::string_literals;

std::vector<std::string> hostileStrings() {
  return {""s,
          "plain ascii"s,
          "a\0b"s,
          "\0"s,
          "\x01"s,
          "\x01\x02\x01"s,
          "\0\x01\0"s,
          "caf\xc3\xa9 \xf0\x9f\x90\xa2 \xe4\xb8\xad"s,  // é 🐢 中
          "\xff\xfe"s,                                   // not UTF-8
          "\xc0\xaf"s,                                   // overlong '/'
          "\xed\xa0\x80"s,                               // a surrogate in UTF-8
          "\xf4\x90\x80\x80"s,                           // past U+10FFFF
          "\xe4\xb8"s,                                   // a sequence cut short
          "ok\xc6\x80"s,                                 // U+0180, which escapes also use
          "\x01\xc6\x80"s};
}

TEST(TextCodec, RoundTripsAnyBytes) {
  for (const auto& s : hostileStrings()) EXPECT_EQ(decodeText(encodeText(s)), s);
  std::mt19937 random(7);
  for (int i = 0; i < 2000; ++i) {
    std::string s(random() % 12, '\0');
    for (char& c : s) c = static_cast<char>(random() % 256);
    ASSERT_EQ(decodeText(encodeText(s)), s);
  }
}

TEST(TextCodec, IsInjective) {
  std::vector<std::string> all = hostileStrings();
  for (int b = 0; b < 256; ++b) all.push_back(std::string(1, static_cast<char>(b)));
  for (std::size_t i = 0; i < all.size(); ++i)
    for (std::size_t j = i + 1; j < all.size(); ++j)
      if (all[i] != all[j]) {
        EXPECT_NE(encodeText(all[i]), encodeText(all[j]));
      }
}

TEST(TextCodec, LeavesUtf8WithoutNulUntouched) {
  for (const std::string s : {"abc", "caf\xc3\xa9", "{\"a\":\"\\u0000\"}", "\xf0\x9f\x90\xa2"})
    EXPECT_EQ(encodeText(s), s);
  EXPECT_EQ(encodeText("a\0b"s),
            "a\x01\x01"
            "b");
  EXPECT_EQ(encodeText("\x01"), "\x01\x02");
  EXPECT_EQ(encodeText("\xff"), "\x01\xc7\xbf");
}

// Well-formed UTF-8 (Unicode table 3-7), written independently of the codec.
bool validUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80                 ? 1
                    : b >= 0xC2 && b <= 0xDF ? 2
                    : b >= 0xE0 && b <= 0xEF ? 3
                    : b >= 0xF0 && b <= 0xF4 ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return false;
    unsigned lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
    unsigned hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
    for (std::size_t k = 1; k < n; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n;
  }
  return true;
}

TEST(TextCodec, EncodedTextIsUtf8WithoutNul) {
  std::mt19937 random(11);
  std::vector<std::string> all = hostileStrings();
  for (int i = 0; i < 2000; ++i) {
    std::string s(random() % 12, '\0');
    for (char& c : s) c = static_cast<char>(random() % 256);
    all.push_back(s);
  }
  for (const auto& s : all) {
    std::string e = encodeText(s);
    EXPECT_EQ(e.find('\0'), std::string::npos);
    EXPECT_TRUE(validUtf8(e));
  }
}

TEST(TextCodec, KeepsPrefixes) {
  // s starts with p exactly when encode(s) starts with encode(p), for p in UTF-8 (and for
  // stray bytes that are whole, like the 0xFF of a prefix filter).
  std::vector<std::string> strings = {"cat"s,     "cat_1.jpg"s, "ca"s,          "c\0t"s,
                                      "c\0"s,     "c\x01"s,     "c\x01\x02"s,   "caf\xc3\xa9"s,
                                      "cat\xff"s, ""s,          "cat\xff\xff"s, "caf\xc3\xa9s"s};
  for (const auto& s : strings)
    for (const auto& p : strings)
      EXPECT_EQ(encodeText(s).rfind(encodeText(p), 0) == 0, s.rfind(p, 0) == 0)
          << "s=" << s << " p=" << p;
}

TEST(JsonbSafe, MovesNulAndOneEscapesIntoTheEncodedForm) {
  EXPECT_EQ(jsonbSafe(R"({"a":"x\u0000y","\u0001":1})"),
            R"({"a":"x\u0001\u0001y","\u0001\u0002":1})");
  // An escaped backslash followed by "u0000" is no escape of NUL.
  EXPECT_EQ(jsonbSafe(R"({"a":"\\u0000"})"), R"({"a":"\\u0000"})");
  EXPECT_EQ(jsonbSafe(R"({"a":"\"\u0000"})"), R"({"a":"\"\u0001\u0001"})");
  EXPECT_EQ(jsonbSafe(R"({"a":"\u00001"})"), R"({"a":"\u0001\u00011"})");
  EXPECT_EQ(jsonbSafe(R"({"camera":"front"})"), R"({"camera":"front"})");
}

TEST(JsonbSafe, OverflowedNumbersBecomeJson) {
  EXPECT_EQ(jsonbSafe(R"({"n":Infinity,"m":-Infinity,"o":NaN})"),
            R"({"n":1e99999,"m":-1e99999,"o":null})");
  EXPECT_EQ(jsonbSafe(R"({"Infinity":"NaN Infinity"})"), R"({"Infinity":"NaN Infinity"})");
}

TEST(JsonQuote, EscapesWhatJsonAndJsonPathNeed) {
  EXPECT_EQ(jsonQuote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(jsonQuote("\x01\n"), R"("\u0001\u000a")");
  EXPECT_EQ(jsonQuote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(InitialAnswer, TakesTheTopLevelArraysMinified) {
  const std::string empty = R"({"tools":[],"classifications":[],"relations":[]})";
  EXPECT_EQ(initialAnswer(""), empty);
  EXPECT_EQ(initialAnswer("{}"), empty);
  EXPECT_EQ(initialAnswer(R"({"tools":[{"schemaId":"s"}],"classifications":"bad"})"),
            R"({"tools":[{"schemaId":"s"}],"classifications":[],"relations":[]})");
  EXPECT_EQ(initialAnswer(R"( { "relations" : [ 1 , { "a" : "x y" } ] , "tools" : [ ] } )"),
            R"({"tools":[],"classifications":[],"relations":[1,{"a":"x y"}]})");
  // Strings with brackets, quotes and escapes do not end the array early.
  EXPECT_EQ(initialAnswer(R"({"x":"],}","tools":["]\"[",{"k":"\\"}],"z":1})"),
            R"({"tools":["]\"[",{"k":"\\"}],"classifications":[],"relations":[]})");
  // Only top-level keys count; the first of duplicated keys wins; escaped keys are read.
  EXPECT_EQ(initialAnswer(R"({"a":{"tools":[1]},"tools":[2],"tools":[3]})"),
            R"({"tools":[2],"classifications":[],"relations":[]})");
  EXPECT_EQ(initialAnswer(R"({"\u0074ools":[4]})"),
            R"({"tools":[4],"classifications":[],"relations":[]})");
  EXPECT_EQ(initialAnswer(R"({"tools":[{"a":"\u0000"}]})"),
            R"({"tools":[{"a":"\u0000"}],"classifications":[],"relations":[]})");
}

}  // namespace
}  // namespace assetd::store::postgres
