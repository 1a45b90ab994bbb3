#include "sign/crypto.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "core/error.hpp"

namespace assetd::sign::crypto {
namespace {

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The algorithms are fetched once: OpenSSL 3's one-shot SHA256() and HMAC() look them up in the
// provider store on every call, which costs more than hashing the short strings signers hash.
const EVP_MD* sha256Algorithm() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw core::ApiError::internal("SHA-256 is not available");
  return md;
}

// An HMAC-SHA256 context per thread, re-keyed by each EVP_MAC_init.
EVP_MAC_CTX* hmacContext() {
  struct Context {
    EVP_MAC_CTX* ctx = nullptr;
    Context() {
      static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
      if (mac == nullptr) return;
      ctx = EVP_MAC_CTX_new(mac);
      char digest[] = "SHA256";
      OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                             OSSL_PARAM_construct_end()};
      if (ctx != nullptr && EVP_MAC_CTX_set_params(ctx, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        ctx = nullptr;
      }
    }
    ~Context() { EVP_MAC_CTX_free(ctx); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
  };
  thread_local Context context;
  if (context.ctx == nullptr) throw core::ApiError::internal("HMAC-SHA256 is not available");
  return context.ctx;
}

}  // namespace

std::string sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), nullptr,
                 sha256Algorithm(), nullptr) != 1)
    throw core::ApiError::internal("SHA-256 failed");
  return out;
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  EVP_MAC_CTX* ctx = hmacContext();
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  std::size_t length = 0;
  // A zero-length key is valid HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char kNoKey = 0;
  const unsigned char* keyBytes = key.empty() ? &kNoKey : bytes(key);
  if (EVP_MAC_init(ctx, keyBytes, key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, bytes(data), data.size()) != 1 ||
      EVP_MAC_final(ctx, reinterpret_cast<unsigned char*>(out.data()), &length, out.size()) != 1)
    throw core::ApiError::internal("HMAC-SHA256 failed");
  out.resize(length);
  return out;
}

std::string hex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char b : raw) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::string base64Encode(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(raw),
                                static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    const int value = base64Value(text[i]);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

RsaPrivateKey RsaPrivateKey::fromPem(std::string_view pem, const std::string& field) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) throw core::ApiError::internal("cannot allocate a memory BIO");
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr) throw core::ApiError::badRequest(field, "not a PEM private key");
  std::shared_ptr<evp_pkey_st> key(raw, &EVP_PKEY_free);
  if (!EVP_PKEY_is_a(raw, "RSA")) throw core::ApiError::badRequest(field, "not an RSA key");
  return RsaPrivateKey(std::move(key));
}

std::string RsaPrivateKey::signSha256(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t length = 0;
  // The default padding of an RSA key in EVP_DigestSign is PKCS#1 v1.5.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes(data), data.size()) != 1)
    throw core::ApiError::internal("RSA-SHA256 signing failed");
  std::string out(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length, bytes(data),
                     data.size()) != 1)
    throw core::ApiError::internal("RSA-SHA256 signing failed");
  out.resize(length);
  return out;
}

}  // namespace assetd::sign::crypto
