#include "sign/url_codec.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace assetd::sign {
namespace {

TEST(UriEncode, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(uriEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(uriEncode("a b+c/d=e&f%"), "a%20b%2Bc%2Fd%3De%26f%25");
  EXPECT_EQ(uriEncode("\xe1\x88\xb4"), "%E1%88%B4");
}

TEST(UriEncode, KeepsSlashesInPaths) {
  EXPECT_EQ(uriEncode("/a b/c", true), "/a%20b/c");
}

TEST(PercentDecode, DecodesEscapesAndKeepsTheRest) {
  EXPECT_EQ(percentDecode("a%20b%2fc"), "a b/c");
  EXPECT_EQ(percentDecode("a+b"), "a+b");
  EXPECT_EQ(percentDecode("100%"), "100%");
  EXPECT_EQ(percentDecode("%zz%4"), "%zz%4");
}

TEST(ParseQuery, SplitsDecodesAndSkipsEmptyPieces) {
  const QueryParams expected = {{"a", "1"}, {"b", ""}, {"c d", "x=y"}};
  EXPECT_EQ(parseQuery("a=1&&b&c%20d=x=y&"), expected);
  EXPECT_TRUE(parseQuery("").empty());
}

TEST(ParseUrl, SplitsAnAbsoluteUrl) {
  const ParsedUrl url = parseUrl("HTTPS://Example.com:8443/a/b%20c?x=1&y");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.host, "Example.com");
  EXPECT_EQ(url.port, "8443");
  EXPECT_EQ(url.path, "/a/b%20c");
  EXPECT_EQ(url.query, "x=1&y");
  EXPECT_EQ(url.authority(), "Example.com:8443");
}

TEST(ParseUrl, GivesSlashForAnEmptyPath) {
  EXPECT_EQ(parseUrl("http://h").path, "/");
  const ParsedUrl url = parseUrl("http://h?q=1");
  EXPECT_EQ(url.path, "/");
  EXPECT_EQ(url.query, "q=1");
}

TEST(ParseUrl, KeepsIpv6Brackets) {
  const ParsedUrl url = parseUrl("http://[::1]:9000/b");
  EXPECT_EQ(url.host, "[::1]");
  EXPECT_EQ(url.port, "9000");
  EXPECT_EQ(url.hostHeader(), "[::1]:9000");
}

TEST(ParseUrl, HostHeaderOmitsTheDefaultPort) {
  EXPECT_EQ(parseUrl("https://s3.example.com:443/x").hostHeader(), "s3.example.com");
  EXPECT_EQ(parseUrl("http://s3.example.com:80/x").hostHeader(), "s3.example.com");
  EXPECT_EQ(parseUrl("http://s3.example.com:443/x").hostHeader(), "s3.example.com:443");
  EXPECT_EQ(parseUrl("https://localhost:9000/x").hostHeader(), "localhost:9000");
}

TEST(ParseUrl, RejectsWhatIsNotAnAbsoluteUrl) {
  for (const char* bad :
       {"/relative/path", "example.com/x", "https://", "https://:80/x", "https://u:p@host/x",
        "https://host:0/x", "https://host:65536/x", "https://host:x/x", "https://host/x#frag",
        "https://host/a\nb", "https://[::1/x", "1http://host/"}) {
    try {
      parseUrl(bad, "target");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const core::ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_TRUE(std::string(e.what()).starts_with("target: ")) << e.what();
    }
  }
}

}  // namespace
}  // namespace assetd::sign
