#pragma once
// The few cryptographic primitives the URL signers need, over OpenSSL 3. Byte strings travel as
// std::string; "hex" is always lowercase.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace assetd::sign::crypto {

// SHA-256 digest, 32 raw bytes.
std::string sha256(std::string_view data);
// HMAC-SHA256, 32 raw bytes.
std::string hmacSha256(std::string_view key, std::string_view data);

std::string hex(std::string_view bytes);

// Standard base64 alphabet with '=' padding.
std::string base64Encode(std::string_view bytes);
// nullopt unless `text` is canonical padded base64 (no whitespace, no other alphabet).
std::optional<std::string> base64Decode(std::string_view text);

// Equality whose running time does not depend on where the inputs differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

// An RSA private key loaded once and used from any number of threads.
class RsaPrivateKey {
 public:
  // PEM, PKCS#8 ("BEGIN PRIVATE KEY") or PKCS#1 ("BEGIN RSA PRIVATE KEY"). Throws
  // core::ApiError 400 naming `field` if it is not an RSA private key.
  static RsaPrivateKey fromPem(std::string_view pem, const std::string& field = "private_key");

  // RSASSA-PKCS1-v1_5 with SHA-256 over `data`: the raw signature bytes.
  std::string signSha256(std::string_view data) const;

 private:
  explicit RsaPrivateKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
  std::shared_ptr<evp_pkey_st> key_;
};

}  // namespace assetd::sign::crypto
