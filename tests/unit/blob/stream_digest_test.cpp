// Incremental digests and the CRC checksums S3 clients send, against their published check
// values (the CRC of "123456789").
#include <gtest/gtest.h>

#include "blob/crypto.hpp"
#include "blob/payload_reader.hpp"
#include "blob/stream_digest.hpp"

namespace assetd::blob {
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
  EXPECT_EQ(crypto::hex(digest.finish()), "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(crypto::hex(md5("")), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(BodyChecksum, Base64AsS3Headers) {
  auto crc = BodyChecksum::named("CRC32");
  ASSERT_TRUE(crc);
  crc->update(kCheck.data(), kCheck.size());
  EXPECT_EQ(crc->base64(), crypto::base64Encode(std::string("\xCB\xF4\x39\x26", 4)));
  auto sha = BodyChecksum::named("sha256");
  ASSERT_TRUE(sha);
  sha->update("abc", 3);
  EXPECT_EQ(sha->base64(), crypto::base64Encode(crypto::sha256("abc")));
  EXPECT_FALSE(BodyChecksum::named("md5"));
}

}  // namespace
}  // namespace assetd::blob
