#include "sign/crypto.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace assetd::sign::crypto {
namespace {

TEST(Sha256, MatchesTheFipsExample) {
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("").size(), 32u);
}

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  EXPECT_EQ(hex(hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, AcceptsKeysWithZeroBytes) {
  const std::string key("a\0b", 3);
  EXPECT_NE(hmacSha256(key, "x"), hmacSha256("a", "x"));
}

TEST(Hex, IsLowercase) {
  EXPECT_EQ(hex(std::string("\x00\xab\xff", 3)), "00abff");
}

TEST(Base64, EncodesWithPadding) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Encode("bar"), "YmFy");
}

TEST(Base64, DecodesWhatItEncodes) {
  const std::string bytes("\x00\x01\xfe\xff binary", 11);
  EXPECT_EQ(base64Decode(base64Encode(bytes)), bytes);
  EXPECT_EQ(base64Decode("Zg=="), "f");
  EXPECT_EQ(base64Decode("Zm8="), "fo");
}

TEST(Base64, RejectsMalformedText) {
  EXPECT_FALSE(base64Decode("Zg="));     // length not a multiple of 4
  EXPECT_FALSE(base64Decode("Z==="));    // too much padding
  EXPECT_FALSE(base64Decode("Zm=v"));    // padding inside
  EXPECT_FALSE(base64Decode("Zm9v\n"));  // whitespace
  EXPECT_FALSE(base64Decode("Zm-_"));    // URL-safe alphabet
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(constantTimeEquals("abc", "abc"));
  EXPECT_FALSE(constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(constantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(constantTimeEquals("", ""));
}

TEST(RsaPrivateKey, RejectsTextThatIsNotAKey) {
  try {
    RsaPrivateKey::fromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                           "credentials.private_key");
    FAIL() << "expected an ApiError";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(std::string(e.what()), "credentials.private_key: not a PEM private key");
  }
}

}  // namespace
}  // namespace assetd::sign::crypto
