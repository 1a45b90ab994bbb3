// Incremental digests and the CRC checksums S3 clients send, against their published check
// values (the CRC of "123456789").
#include <gtest/gtest.h>

#include "s3/payload_reader.hpp"
#include "s3/stream_digest.hpp"
#include "sign/crypto.hpp"

namespace assetd::s3 {
namespace {

const std::string kCheck = "123456789";

TEST(StreamDigest, CrcCheckValues) {
  EXPECT_EQ(crc32(0, kCheck.data(), kCheck.size()), 0xCBF43926u);
  EXPECT_EQ(crc32c(0, kCheck.data(), kCheck.size()), 0xE3069283u);
  EXPECT_EQ(crc64nvme(0, kCheck.data(), kCheck.size()), 0xAE8B14860A799888ull);
}

TEST(StreamDigest, CrcContinuesAcrossPieces) {
  std::uint32_t crc = crc32(0, kCheck.data(), 4);
  crc = crc32(crc, kCheck.data() + 4, kCheck.size() - 4);
  EXPECT_EQ(crc, 0xCBF43926u);
}

TEST(StreamDigest, Md5InPiecesEqualsOneShot) {
  StreamDigest digest(StreamDigest::Kind::Md5);
  digest.update("hello ");
  digest.update("world");
  EXPECT_EQ(sign::crypto::hex(digest.finish()), "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(sign::crypto::hex(md5("")), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(BodyChecksum, Base64AsS3Headers) {
  auto crc = BodyChecksum::named("CRC32");
  ASSERT_TRUE(crc);
  crc->update(kCheck.data(), kCheck.size());
  EXPECT_EQ(crc->base64(), sign::crypto::base64Encode(std::string("\xCB\xF4\x39\x26", 4)));
  auto sha = BodyChecksum::named("sha256");
  ASSERT_TRUE(sha);
  sha->update("abc", 3);
  EXPECT_EQ(sha->base64(), sign::crypto::base64Encode(sign::crypto::sha256("abc")));
  EXPECT_FALSE(BodyChecksum::named("md5"));
}

}  // namespace
}  // namespace assetd::s3
