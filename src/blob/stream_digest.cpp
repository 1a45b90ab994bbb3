#include "blob/stream_digest.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace assetd::blob {
namespace {

const EVP_MD* algorithm(StreamDigest::Kind kind) {
  switch (kind) {
    case StreamDigest::Kind::Md5:
      return EVP_md5();
    case StreamDigest::Kind::Sha1:
      return EVP_sha1();
    case StreamDigest::Kind::Sha256:
      return EVP_sha256();
  }
  return EVP_sha256();
}

using CrcTable = std::array<std::uint32_t, 256>;

constexpr CrcTable makeTable(std::uint32_t reflectedPolynomial) {
  CrcTable table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? (c >> 1) ^ reflectedPolynomial : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr CrcTable kCrc32 = makeTable(0xEDB88320u);
constexpr CrcTable kCrc32c = makeTable(0x82F63B78u);

std::uint32_t runCrc(const CrcTable& table, std::uint32_t crc, const char* data, std::size_t n) {
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i)
    crc = table[(crc ^ static_cast<unsigned char>(data[i])) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

constexpr std::array<std::uint64_t, 256> makeTable64(std::uint64_t reflectedPolynomial) {
  std::array<std::uint64_t, 256> table{};
  for (std::uint64_t i = 0; i < 256; ++i) {
    std::uint64_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? (c >> 1) ^ reflectedPolynomial : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<std::uint64_t, 256> kCrc64Nvme = makeTable64(0x9A6C9329AC4BC9B5ull);

}  // namespace

StreamDigest::StreamDigest(Kind kind) : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), algorithm(kind), nullptr) != 1)
    throw std::runtime_error("digest init failed");
}

StreamDigest::~StreamDigest() = default;
StreamDigest::StreamDigest(StreamDigest&&) noexcept = default;
StreamDigest& StreamDigest::operator=(StreamDigest&&) noexcept = default;

void StreamDigest::update(const char* data, std::size_t n) {
  if (n > 0 && EVP_DigestUpdate(ctx_.get(), data, n) != 1)
    throw std::runtime_error("digest update failed");
}

std::string StreamDigest::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out, &length) != 1)
    throw std::runtime_error("digest final failed");
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string md5(std::string_view data) {
  StreamDigest digest(StreamDigest::Kind::Md5);
  digest.update(data);
  return digest.finish();
}

std::uint32_t crc32(std::uint32_t crc, const char* data, std::size_t n) {
  return runCrc(kCrc32, crc, data, n);
}

std::uint32_t crc32c(std::uint32_t crc, const char* data, std::size_t n) {
  return runCrc(kCrc32c, crc, data, n);
}

std::uint64_t crc64nvme(std::uint64_t crc, const char* data, std::size_t n) {
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i)
    crc = kCrc64Nvme[(crc ^ static_cast<unsigned char>(data[i])) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

}  // namespace assetd::blob
