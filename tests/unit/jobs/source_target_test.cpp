// The URL checks made before any connection (no network needed: literal addresses and
// "localhost", which resolves from the hosts file).
#include <gtest/gtest.h>

#include "jobs/copy_failure.hpp"
#include "jobs/source_target.hpp"

namespace assetd::jobs {
namespace {

// The CopyFailure that checking `url` throws: {retryable, reason}; {false, ""} if none.
std::pair<bool, std::string> failureOf(const std::string& url,
                                       const AddressPolicy& policy = AddressPolicy()) {
  try {
    checkSourceTarget(url, policy);
  } catch (const CopyFailure& f) {
    return {f.retryable(), f.what()};
  }
  return {false, ""};
}

TEST(SourceTarget, OnlyHttpAndHttps) {
  auto [retry, reason] = failureOf("ftp://example.com/a");
  EXPECT_FALSE(retry);
  EXPECT_NE(reason.find("only http and https"), std::string::npos) << reason;
  EXPECT_NE(failureOf("file:///etc/passwd").second.find("only http and https"), std::string::npos);
  EXPECT_NE(failureOf("gopher://127.0.0.1/").second.find("only http and https"), std::string::npos);
}

TEST(SourceTarget, StorageSchemesSayTheyNeedAStorage) {
  for (const char* url : {"s3://bucket/key.png", "gs://bucket/key.png"}) {
    auto [retry, reason] = failureOf(url);
    EXPECT_FALSE(retry);
    EXPECT_NE(reason.find("storage integration"), std::string::npos) << reason;
  }
}

TEST(SourceTarget, MalformedUrlsArePermanent) {
  for (const char* url : {"not a url", "http://", "", "http://exa mple.com/"}) {
    auto [retry, reason] = failureOf(url);
    EXPECT_FALSE(retry) << url;
    EXPECT_FALSE(reason.empty()) << url;
  }
}

TEST(SourceTarget, RefusesPrivateLiteralsNamingTheRange) {
  struct Case {
    const char* url;
    const char* words;
  };
  const Case cases[] = {
      {"http://127.0.0.1:8080/a", "127.0.0.1 is a loopback address"},
      {"http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"},
      {"https://10.0.0.5/x", "10.0.0.5 is a private address"},
      {"http://[::1]/a", "::1 is a loopback address"},
      {"http://[::ffff:127.0.0.1]/a", "::ffff:127.0.0.1 is a loopback address"},
      {"http://[fe80::1]/a", "fe80::1 is a link-local address"},
      {"http://0.0.0.0/a", "0.0.0.0 is an unspecified address"},
  };
  for (const auto& c : cases) {
    auto [retry, reason] = failureOf(c.url);
    EXPECT_FALSE(retry) << c.url;
    EXPECT_NE(reason.find(c.words), std::string::npos) << c.url << " → " << reason;
    EXPECT_NE(reason.find("--copy-allow"), std::string::npos) << reason;
  }
}

TEST(SourceTarget, NumericHostFormsAreNormalizedBeforeTheCheck) {
  // 2130706433 and 0x7f.1 are both 127.0.0.1.
  for (const char* url : {"http://2130706433/a", "http://0x7f.1/a", "http://127.1/a"}) {
    auto [retry, reason] = failureOf(url);
    EXPECT_FALSE(retry) << url;
    EXPECT_NE(reason.find("loopback"), std::string::npos) << url << " → " << reason;
  }
}

TEST(SourceTarget, NamesThatResolveToRefusedAddressesAreRefused) {
  auto [retry, reason] = failureOf("http://localhost:9/a");
  EXPECT_FALSE(retry);
  EXPECT_NE(reason.find("loopback"), std::string::npos) << reason;
  EXPECT_NE(reason.find("localhost resolves to it"), std::string::npos) << reason;
}

TEST(SourceTarget, AllowedAddressesPassAndArePinned) {
  AddressPolicy policy({Cidr::parse("127.0.0.0/8"), Cidr::parse("::1")});
  auto literal = checkSourceTarget("http://127.0.0.1:8080/a?b=c", policy);
  EXPECT_TRUE(literal.hostIsAddress);
  EXPECT_EQ(literal.port, 8080);
  EXPECT_EQ(literal.host, "127.0.0.1");
  auto v6 = checkSourceTarget("https://[::1]/x", policy);
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 443);
  auto named = checkSourceTarget("http://localhost/a", policy);
  EXPECT_FALSE(named.hostIsAddress);
  EXPECT_EQ(named.port, 80);
  ASSERT_FALSE(named.addresses.empty());
  EXPECT_EQ(pinnedResolveEntry(named).rfind("localhost:80:", 0), 0u) << pinnedResolveEntry(named);
}

TEST(SourceTarget, RedirectLocationsResolveAgainstTheCurrentUrl) {
  EXPECT_EQ(redirectTarget("http://a.example/dir/x.png", "y.png"), "http://a.example/dir/y.png");
  EXPECT_EQ(redirectTarget("http://a.example/dir/x.png", "/root.png"), "http://a.example/root.png");
  EXPECT_EQ(redirectTarget("http://a.example/x", "https://b.example/z"), "https://b.example/z");
  EXPECT_EQ(redirectTarget("https://a.example/x", "//c.example/w"), "https://c.example/w");
  EXPECT_EQ(redirectTarget("http://a.example/x", "http://127.0.0.1/"), "http://127.0.0.1/");
}

}  // namespace
}  // namespace assetd::jobs
