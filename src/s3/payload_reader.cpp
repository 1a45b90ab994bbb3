#include "s3/payload_reader.hpp"

#include <algorithm>
#include <charconv>

#include "s3/aws_chunked.hpp"
#include "s3/s3_error.hpp"
#include "s3/stream_digest.hpp"
#include "sign/crypto.hpp"

namespace assetd::s3 {
namespace {

constexpr std::string_view kChecksumPrefix = "x-amz-checksum-";

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string uppercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string bigEndian(std::uint64_t value, int bytes) {
  std::string out(static_cast<std::size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
  return out;
}

std::optional<std::uint64_t> decimal(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

S3Error badDigest(std::string_view what) {
  return S3Error(
      400, "BadDigest",
      "The " + std::string(what) + " you specified did not match the calculated checksum.");
}

}  // namespace

// ---- BodyChecksum ----

BodyChecksum::BodyChecksum(std::string algorithm) : algorithm_(std::move(algorithm)) {
  if (algorithm_ == "sha1") digest_ = std::make_unique<StreamDigest>(StreamDigest::Kind::Sha1);
  if (algorithm_ == "sha256") digest_ = std::make_unique<StreamDigest>(StreamDigest::Kind::Sha256);
}

std::optional<BodyChecksum> BodyChecksum::named(std::string_view algorithm) {
  std::string name = lowercase(algorithm);
  if (name != "crc32" && name != "crc32c" && name != "crc64nvme" && name != "sha1" &&
      name != "sha256")
    return std::nullopt;
  return BodyChecksum(name);
}

BodyChecksum::~BodyChecksum() = default;
BodyChecksum::BodyChecksum(BodyChecksum&&) noexcept = default;
BodyChecksum& BodyChecksum::operator=(BodyChecksum&&) noexcept = default;

void BodyChecksum::update(const char* data, std::size_t n) {
  if (digest_)
    digest_->update(data, n);
  else if (algorithm_ == "crc32")
    crc_ = crc32(static_cast<std::uint32_t>(crc_), data, n);
  else if (algorithm_ == "crc32c")
    crc_ = crc32c(static_cast<std::uint32_t>(crc_), data, n);
  else
    crc_ = crc64nvme(crc_, data, n);
}

std::string BodyChecksum::base64() {
  if (digest_) return sign::crypto::base64Encode(digest_->finish());
  return sign::crypto::base64Encode(bigEndian(crc_, algorithm_ == "crc64nvme" ? 8 : 4));
}

// ---- PayloadReader ----

PayloadReader::PayloadReader(ReadFn raw, std::optional<std::uint64_t> contentLength,
                             const http::Request& request, const sign::sigv4::VerifyResult& auth,
                             bool checksumHeadersOfBody)
    : raw_(std::move(raw)) {
  const std::string& hash = auth.payloadHash;
  bool streaming = hash.starts_with("STREAMING-");
  bool chunkedEncoding =
      lowercase(request.header("content-encoding")).find("aws-chunked") != std::string::npos;
  if (streaming) {
    bool signedChunks = hash == sign::sigv4::kStreamingPayload ||
                        hash == std::string(sign::sigv4::kStreamingPayload) + "-TRAILER";
    if (!signedChunks && hash != "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
      throw S3Error(501, "NotImplemented",
                    "x-amz-content-sha256 " + hash +
                        " is not supported; use "
                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    std::optional<ChunkSigning> signing;
    if (signedChunks)
      signing = ChunkSigning{auth.signingKey, auth.amzDate, auth.scope, auth.signature};
    chunked_ = std::make_unique<AwsChunkedDecoder>(raw_, std::move(signing));
  } else if (chunkedEncoding) {
    chunked_ = std::make_unique<AwsChunkedDecoder>(raw_, std::nullopt);
  } else if (hash.size() == 64) {
    expectedSha256_ = hash;
    sha256_ = std::make_unique<StreamDigest>(StreamDigest::Kind::Sha256);
  }

  if (chunked_) {
    std::string_view decoded = request.header("x-amz-decoded-content-length");
    if (!decoded.empty()) {
      declaredSize_ = decimal(decoded);
      if (!declaredSize_)
        throw S3Error(400, "InvalidArgument", "x-amz-decoded-content-length must be a number");
    }
  } else {
    declaredSize_ = contentLength;
  }

  std::string_view md5 = request.header("content-md5");
  if (!md5.empty()) {
    auto digest = sign::crypto::base64Decode(md5);
    if (!digest || digest->size() != 16)
      throw S3Error(400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
    expectedMd5_ = *digest;
    md5_ = std::make_unique<StreamDigest>(StreamDigest::Kind::Md5);
  }

  // An additional checksum: in a header, or announced by x-amz-trailer.
  for (const auto& [name, value] : request.headers) {
    if (!checksumHeadersOfBody || !name.starts_with(kChecksumPrefix) ||
        name == "x-amz-checksum-type" || name == "x-amz-checksum-algorithm" ||
        name == "x-amz-checksum-mode")
      continue;
    if (checksum_)
      throw S3Error(400, "InvalidRequest", "Expecting a single x-amz-checksum- header");
    checksum_ = BodyChecksum::named(name.substr(kChecksumPrefix.size()));
    if (!checksum_) throw S3Error(400, "InvalidRequest", "Unsupported checksum header " + name);
    expectedChecksum_ = value;
  }
  std::string trailer = lowercase(request.header("x-amz-trailer"));
  if (!trailer.empty()) {
    if (!chunked_ || checksum_ || !trailer.starts_with(kChecksumPrefix))
      throw S3Error(400, "InvalidRequest", "Unsupported x-amz-trailer " + trailer);
    checksum_ = BodyChecksum::named(trailer.substr(kChecksumPrefix.size()));
    if (!checksum_) throw S3Error(400, "InvalidRequest", "Unsupported x-amz-trailer " + trailer);
    checksumInTrailer_ = true;
  }
}

PayloadReader::~PayloadReader() = default;

std::size_t PayloadReader::read(char* out, std::size_t n) {
  if (finished_) return 0;
  std::size_t got = chunked_ ? chunked_->read(out, n) : raw_(out, n);
  if (got == 0 && n > 0) {
    finish();
    return 0;
  }
  if (sha256_) sha256_->update(out, got);
  if (md5_) md5_->update(out, got);
  if (checksum_) checksum_->update(out, got);
  decoded_ += got;
  return got;
}

void PayloadReader::finish() {
  finished_ = true;
  if (sha256_ &&
      !sign::crypto::constantTimeEquals(sign::crypto::hex(sha256_->finish()), expectedSha256_))
    throw S3Error(400, "XAmzContentSHA256Mismatch",
                  "The provided 'x-amz-content-sha256' header does not match what was computed.");
  if (chunked_ && declaredSize_ && decoded_ != *declaredSize_)
    throw S3Error(400, "IncompleteBody",
                  "You did not provide the number of bytes specified by the "
                  "x-amz-decoded-content-length header.");
  if (md5_) checkContentMd5(md5_->finish());
  if (!checksum_) return;
  std::string expected = expectedChecksum_;
  if (checksumInTrailer_) {
    std::string name = std::string(kChecksumPrefix) + checksum_->algorithm();
    const auto& trailers = chunked_->trailers();
    auto found = std::find_if(trailers.begin(), trailers.end(),
                              [&](const auto& trailer) { return trailer.first == name; });
    if (found == trailers.end())
      throw S3Error(400, "MalformedTrailerError",
                    "The request contained trailing data that was not well-formed or did not "
                    "conform to our published schema.");
    expected = found->second;
  }
  std::string actual = checksum_->base64();
  if (actual != expected) throw badDigest(uppercase(checksum_->algorithm()));
  checkedChecksum_ = actual;
}

void PayloadReader::deferContentMd5() {
  md5_.reset();
}

void PayloadReader::checkContentMd5(const std::string& md5) const {
  if (!expectedMd5_.empty() && md5 != expectedMd5_)
    throw S3Error(400, "BadDigest",
                  "The Content-MD5 you specified did not match what we received.");
}

std::vector<std::pair<std::string, std::string>> PayloadReader::checksumHeaders() const {
  if (checkedChecksum_.empty()) return {};
  return {{std::string(kChecksumPrefix) + checksum_->algorithm(), checkedChecksum_}};
}

}  // namespace assetd::s3
