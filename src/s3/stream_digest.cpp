#include "s3/stream_digest.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace assetd::s3 {
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

}  // namespace assetd::s3
