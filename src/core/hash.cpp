#include "core/hash.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "core/error.hpp"

namespace assetd::core {

std::string sha256Hex(std::string_view data) {
  // Fetched once: the one-shot SHA256() looks the algorithm up on every call, which costs more
  // than hashing an API key.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  if (md == nullptr || EVP_Digest(data.data(), data.size(), digest, nullptr, md, nullptr) != 1)
    throw ApiError::internal("SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

}  // namespace assetd::core
