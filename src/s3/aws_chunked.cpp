#include "s3/aws_chunked.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "s3/s3_error.hpp"
#include "s3/stream_digest.hpp"
#include "sign/crypto.hpp"
#include "sign/sigv4.hpp"

namespace assetd::s3 {
namespace {

constexpr std::size_t kBufferSize = 64 * 1024;
constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxTrailers = 32;

S3Error incomplete() {
  return S3Error(400, "IncompleteBody",
                 "The request body terminated unexpectedly or its chunk framing is invalid");
}

S3Error badFraming(const std::string& what) {
  return S3Error(400, "InvalidRequest", "Invalid aws-chunked body: " + what);
}

S3Error badSignature() {
  return S3Error(403, "SignatureDoesNotMatch",
                 "The request signature we calculated does not match the signature you provided. "
                 "Check your key and signing method.");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

struct AwsChunkedDecoder::Impl {
  StreamDigest chunkHash{StreamDigest::Kind::Sha256};
};

std::string chunkStringToSign(const ChunkSigning& signing, std::string_view previousSignature,
                              std::string_view chunkSha256Hex) {
  std::string out = "AWS4-HMAC-SHA256-PAYLOAD\n";
  out += signing.amzDate;
  out += "\n";
  out += signing.scope;
  out += "\n";
  out += previousSignature;
  out += "\n";
  out += sign::sigv4::kEmptyPayloadHash;
  out += "\n";
  out += chunkSha256Hex;
  return out;
}

std::string trailerStringToSign(const ChunkSigning& signing, std::string_view previousSignature,
                                std::string_view trailerLines) {
  std::string out = "AWS4-HMAC-SHA256-TRAILER\n";
  out += signing.amzDate;
  out += "\n";
  out += signing.scope;
  out += "\n";
  out += previousSignature;
  out += "\n";
  out += sign::crypto::hex(sign::crypto::sha256(trailerLines));
  return out;
}

AwsChunkedDecoder::AwsChunkedDecoder(ReadFn source, std::optional<ChunkSigning> signing)
    : source_(std::move(source)),
      signing_(std::move(signing)),
      buffer_(std::make_unique<char[]>(kBufferSize)) {
  if (signing_) previousSignature_ = signing_->seedSignature;
}

AwsChunkedDecoder::~AwsChunkedDecoder() = default;

std::size_t AwsChunkedDecoder::fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  std::size_t n = source_(buffer_.get() + end_, kBufferSize - end_);
  end_ += n;
  return n;
}

void AwsChunkedDecoder::ensure(std::size_t n) {
  while (end_ - begin_ < n)
    if (fill() == 0) throw incomplete();
}

std::string AwsChunkedDecoder::readLine() {
  std::string line;
  for (;;) {
    const char* start = buffer_.get() + begin_;
    const char* found = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    std::size_t take = found ? static_cast<std::size_t>(found - start) + 1 : end_ - begin_;
    line.append(start, take);
    begin_ += take;
    if (line.size() > kMaxLine + 2) throw badFraming("line too long");
    if (found) break;
    if (fill() == 0) throw incomplete();
  }
  if (line.size() < 2 || line[line.size() - 2] != '\r') throw badFraming("lines must end in CRLF");
  line.resize(line.size() - 2);
  return line;
}

void AwsChunkedDecoder::startChunk() {
  std::string line = readLine();
  std::string_view header = line;
  std::size_t semicolon = header.find(';');
  std::string_view sizeText = trim(header.substr(0, semicolon));
  std::uint64_t size = 0;
  auto [end, ec] = std::from_chars(sizeText.data(), sizeText.data() + sizeText.size(), size, 16);
  if (sizeText.empty() || sizeText.size() > 16 || ec != std::errc() ||
      end != sizeText.data() + sizeText.size())
    throw badFraming("bad chunk size '" + std::string(sizeText.substr(0, 32)) + "'");
  chunkSignature_.clear();
  if (semicolon != std::string_view::npos) {
    std::string_view extension = trim(header.substr(semicolon + 1));
    constexpr std::string_view kName = "chunk-signature=";
    if (extension.substr(0, kName.size()) == kName)
      chunkSignature_ = std::string(extension.substr(kName.size()));
  }
  if (signing_ && chunkSignature_.empty()) throw badFraming("chunk without chunk-signature");
  remaining_ = size;
  impl_ = std::make_unique<Impl>();
  inChunk_ = true;
  if (size == 0) {
    endChunk();
    readTrailers();
    done_ = true;
  }
}

void AwsChunkedDecoder::endChunk() {
  inChunk_ = false;
  if (signing_) {
    std::string expected = sign::sigv4::signature(
        signing_->signingKey, chunkStringToSign(*signing_, previousSignature_,
                                                sign::crypto::hex(impl_->chunkHash.finish())));
    if (!sign::crypto::constantTimeEquals(expected, chunkSignature_)) throw badSignature();
    previousSignature_ = chunkSignature_;
  }
  impl_.reset();
}

void AwsChunkedDecoder::readTrailers() {
  std::string signedLines;
  std::string trailerSignature;
  for (;;) {
    if (begin_ == end_ && fill() == 0) break;  // "0\r\n" was the last thing sent
    std::string line = readLine();
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) throw badFraming("bad trailer line");
    std::string name = lowercase(trim(std::string_view(line).substr(0, colon)));
    std::string value(trim(std::string_view(line).substr(colon + 1)));
    if (name == "x-amz-trailer-signature") {
      trailerSignature = value;
      continue;
    }
    if (trailers_.size() >= kMaxTrailers) throw badFraming("too many trailers");
    signedLines += name + ":" + value + "\n";
    trailers_.emplace_back(std::move(name), std::move(value));
  }
  if (signing_ && !trailers_.empty()) {
    std::string expected = sign::sigv4::signature(
        signing_->signingKey, trailerStringToSign(*signing_, previousSignature_, signedLines));
    if (!sign::crypto::constantTimeEquals(expected, trailerSignature)) throw badSignature();
  }
}

std::size_t AwsChunkedDecoder::read(char* out, std::size_t n) {
  while (!done_) {
    if (!inChunk_) {
      startChunk();
      continue;
    }
    if (remaining_ == 0) {
      // The data is followed by CRLF, then the next chunk.
      ensure(2);
      if (buffer_[begin_] != '\r' || buffer_[begin_ + 1] != '\n')
        throw badFraming("chunk data is not followed by CRLF");
      begin_ += 2;
      endChunk();
      continue;
    }
    if (n == 0) return 0;
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, n));
    std::size_t got = 0;
    if (begin_ < end_) {
      got = std::min(want, end_ - begin_);
      std::memcpy(out, buffer_.get() + begin_, got);
      begin_ += got;
    } else {
      got = source_(out, want);  // large chunks bypass the framing buffer
      if (got == 0) throw incomplete();
    }
    impl_->chunkHash.update(out, got);
    remaining_ -= got;
    return got;
  }
  return 0;
}

}  // namespace assetd::s3
