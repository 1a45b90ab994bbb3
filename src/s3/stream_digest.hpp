#pragma once
// Incremental digests for bodies that pass through in pieces (ETags, payload hashes, trailer
// checksums). Not thread-safe; one per stream.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace assetd::s3 {

class StreamDigest {
 public:
  enum class Kind { Md5, Sha1, Sha256 };
  explicit StreamDigest(Kind kind);
  ~StreamDigest();
  StreamDigest(StreamDigest&&) noexcept;
  StreamDigest& operator=(StreamDigest&&) noexcept;

  void update(const char* data, std::size_t n);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // The raw digest; the object may not be updated afterwards.
  std::string finish();

 private:
  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> ctx_;
};

// One-shot MD5, raw 16 bytes.
std::string md5(std::string_view data);

// CRC-32 (IEEE, as zlib) and CRC-32C (Castagnoli), continued from `crc` (0 to start). The
// fastest implementation the CPU allows (crc.cpp).
std::uint32_t crc32(std::uint32_t crc, const char* data, std::size_t n);
std::uint32_t crc32c(std::uint32_t crc, const char* data, std::size_t n);
// CRC-64/NVME, as S3's x-amz-checksum-crc64nvme.
std::uint64_t crc64nvme(std::uint64_t crc, const char* data, std::size_t n);

}  // namespace assetd::s3
