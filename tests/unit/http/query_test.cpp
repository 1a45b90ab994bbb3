#include "http/query.hpp"

#include <gtest/gtest.h>

namespace assetd::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(PercentDecode, DecodesEscapesOfEitherCase) {
  EXPECT_EQ(percentDecode("%7B%22a%22%3a%20%5b%5D%7d", false), R"({"a": []})");
  EXPECT_EQ(percentDecode("%2B%25", false), "+%");
  EXPECT_EQ(percentDecode("%00x", false), std::string("\0x", 2));
  EXPECT_EQ(percentDecode("%C3%A9", false), "\xc3\xa9");
}

TEST(PercentDecode, KeepsInvalidAndTruncatedEscapesLiterally) {
  EXPECT_EQ(percentDecode("100%", false), "100%");
  EXPECT_EQ(percentDecode("%4", false), "%4");
  EXPECT_EQ(percentDecode("a%zzb", false), "a%zzb");
  EXPECT_EQ(percentDecode("%g1%1g", false), "%g1%1g");
  EXPECT_EQ(percentDecode("%%41", false), "%A");
  EXPECT_EQ(percentDecode("", false), "");
}

TEST(PercentDecode, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(percentDecode("a+b", false), "a+b");
  EXPECT_EQ(percentDecode("a+b", true), "a b");
  EXPECT_EQ(percentDecode("a%2Bb", true), "a+b");
}

TEST(ParseQuery, SplitsOnAmpersandThenOnTheFirstEquals) {
  const auto params = Params::parseQuery("page=2&limit=5&expr=a=b");
  EXPECT_EQ(params.all(), (Pairs{{"page", "2"}, {"limit", "5"}, {"expr", "a=b"}}));
}

TEST(ParseQuery, DecodesTheSdkGetAssetsFilter) {
  const auto params = Params::parseQuery(
      "page=2&limit=5&filters=%7B%22externalId%22:%20%22a%20b%22,%20%22batches%22:%20%5B%22B1%22%"
      "5D%7D");
  EXPECT_EQ(params.get("filters"), R"({"externalId": "a b", "batches": ["B1"]})");
  EXPECT_EQ(params.get("page"), "2");
}

TEST(ParseQuery, AcceptsLiteralJsonPunctuation) {
  const auto params =
      Params::parseQuery(R"(filters={"externalId":%20"a.jpg"}&batches=["B1","B2"])");
  EXPECT_EQ(params.get("filters"), R"({"externalId": "a.jpg"})");
  EXPECT_EQ(params.get("batches"), R"(["B1","B2"])");
}

TEST(ParseQuery, DecodesNamesToo) {
  const auto params = Params::parseQuery("includeAnswer=false&status%5Beq%5D=TODO&stage=Label");
  EXPECT_EQ(params.get("status[eq]"), "TODO");
  EXPECT_FALSE(params.has("status%5Beq%5D"));
}

TEST(ParseQuery, PlusStaysAPlus) {
  EXPECT_EQ(Params::parseQuery("name=a+b.png").get("name"), "a+b.png");
}

TEST(ParseQuery, KeepsTheSignedUrlSentUnencoded) {
  // The SDK sends the asset URL unencoded: its own '&' and '=' split it, and the rest stays.
  const auto params =
      Params::parseQuery("name=https://b/k.png&project=P1&type=assets&storageId=S1");
  EXPECT_EQ(params.get("name"), "https://b/k.png");
  EXPECT_EQ(params.get("storageId"), "S1");
}

TEST(ParseQuery, ParameterWithoutEqualsHasAnEmptyValue) {
  const auto params = Params::parseQuery("flag&x=1");
  EXPECT_EQ(params.get("flag"), "");
  EXPECT_TRUE(params.has("flag"));
}

TEST(ParseQuery, AllowsEmptyNamesAndValues) {
  EXPECT_EQ(Params::parseQuery("=v&k=").all(), (Pairs{{"", "v"}, {"k", ""}}));
}

TEST(ParseQuery, SkipsEmptyPieces) {
  EXPECT_EQ(Params::parseQuery("&&a=1&&b=2&").all(), (Pairs{{"a", "1"}, {"b", "2"}}));
  EXPECT_TRUE(Params::parseQuery("").all().empty());
}

TEST(ParseQuery, GetReturnsTheFirstOfRepeatedNames) {
  const auto params = Params::parseQuery("a=1&a=2");
  EXPECT_EQ(params.get("a"), "1");
  EXPECT_EQ(params.all().size(), 2u);
  EXPECT_EQ(params.get("b"), std::nullopt);
  EXPECT_FALSE(params.has("b"));
}

TEST(ParseForm, DecodesTheSdkChatForm) {
  const auto params = Params::parseForm(
      "projectId=P1&priority=1&storageId=S1&bucket=bk&numberOfConversations=3&namingStrategy=%7B%"
      "22type%22%3A+%22random%22%7D&llmConfig=%7B%22id%22%3A+%22L1%22%7D");
  EXPECT_EQ(params.get("namingStrategy"), R"({"type": "random"})");
  EXPECT_EQ(params.get("llmConfig"), R"({"id": "L1"})");
  EXPECT_EQ(params.get("numberOfConversations"), "3");
  EXPECT_EQ(params.get("bucket"), "bk");
}

TEST(ParseForm, PlusIsASpaceInNamesAndValues) {
  EXPECT_EQ(Params::parseForm("a+b=c+d%2B").all(), (Pairs{{"a b", "c d+"}}));
}

TEST(Params, AddAppends) {
  Params params;
  params.add("x", "1");
  EXPECT_EQ(params.get("x"), "1");
}

}  // namespace
}  // namespace assetd::http
