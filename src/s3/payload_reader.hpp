#pragma once
// The body of a request to the built-in S3 endpoint as its handlers read it: aws-chunked
// framing removed, and every integrity claim the client made checked as the bytes pass
// (x-amz-content-sha256, Content-MD5, x-amz-checksum-* in a header or trailer, chunk
// signatures, x-amz-decoded-content-length). A failed check throws S3Error from the read that
// reaches the end, before a caller can commit anything; only a Content-MD5 check the caller took
// over (deferContentMd5) is left to the caller.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "s3/read_fn.hpp"
#include "sign/sigv4.hpp"

namespace assetd::s3 {

class AwsChunkedDecoder;
class StreamDigest;

// One of S3's additional checksums, computed while streaming.
class BodyChecksum {
 public:
  // "crc32", "crc32c", "crc64nvme", "sha1", "sha256"; nullopt for any other name.
  static std::optional<BodyChecksum> named(std::string_view algorithm);
  ~BodyChecksum();
  BodyChecksum(BodyChecksum&&) noexcept;
  BodyChecksum& operator=(BodyChecksum&&) noexcept;

  void update(const char* data, std::size_t n);
  // Base64 of the digest (big-endian for the CRCs), as S3's headers carry it.
  std::string base64();
  const std::string& algorithm() const { return algorithm_; }

 private:
  explicit BodyChecksum(std::string algorithm);
  std::string algorithm_;
  std::uint64_t crc_ = 0;
  std::unique_ptr<StreamDigest> digest_;
};

class PayloadReader {
 public:
  // `raw` reads the body as sent; `contentLength` is its declared length. Throws S3Error for
  // claims that are malformed before any byte is read (bad Content-MD5, unknown checksum).
  // Without `checksumHeadersOfBody`, x-amz-checksum-* headers are left alone: in a
  // CompleteMultipartUpload they describe the object, not the XML body.
  PayloadReader(ReadFn raw, std::optional<std::uint64_t> contentLength,
                const http::Request& request, const sign::sigv4::VerifyResult& auth,
                bool checksumHeadersOfBody = true);
  ~PayloadReader();

  std::size_t read(char* out, std::size_t n);
  // The decoded body's length when the request declared it.
  std::optional<std::uint64_t> declaredSize() const { return declaredSize_; }
  // Leaves the Content-MD5 check to a caller that computes the body's MD5 anyway (a store, for
  // the ETag, on its own hashing thread), so that the body is not hashed twice on the receiving
  // thread. Call before the first read; the caller must then pass the body's MD5 to
  // checkContentMd5() before it commits anything.
  void deferContentMd5();
  // Throws S3Error BadDigest unless `md5` (raw 16 bytes) is what Content-MD5 announced; nothing
  // to check without Content-MD5.
  void checkContentMd5(const std::string& md5) const;
  // After the end: the checked checksum as a response header, if there was one.
  std::vector<std::pair<std::string, std::string>> checksumHeaders() const;
  // The algorithm of the additional checksum the request carries in a header or announces as a
  // trailer ("crc32", ...), empty without one; known before the first read.
  std::string checksumAlgorithm() const { return checksum_ ? checksum_->algorithm() : ""; }
  // After the end: the checked checksum's base64 value; empty without one.
  const std::string& checkedChecksum() const { return checkedChecksum_; }

 private:
  void finish();

  ReadFn raw_;
  std::unique_ptr<AwsChunkedDecoder> chunked_;
  std::optional<std::uint64_t> declaredSize_;
  std::string expectedSha256_;  // hex; empty when unsigned or streaming
  std::unique_ptr<StreamDigest> sha256_;
  std::string expectedMd5_;  // raw 16 bytes; empty without Content-MD5
  std::unique_ptr<StreamDigest> md5_;
  std::optional<BodyChecksum> checksum_;
  std::string expectedChecksum_;  // from the header; empty when it comes as a trailer
  bool checksumInTrailer_ = false;
  std::string checkedChecksum_;
  std::uint64_t decoded_ = 0;
  bool finished_ = false;
};

}  // namespace assetd::s3
