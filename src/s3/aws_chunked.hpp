#pragma once
// Decoding of S3's aws-chunked request bodies while they stream: each chunk is
// "<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n", the last has size 0 and may be followed by
// trailing headers ("x-amz-checksum-crc32:<base64>\r\n") and an empty line. With signing, every
// chunk's signature chains from the previous one (starting at the request's seed signature) and
// is checked when the chunk ends; a signed trailer is checked too. Data is handed out before
// its chunk is checked, so the caller must not commit anything until read() returned 0.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "s3/read_fn.hpp"

namespace assetd::s3 {

struct ChunkSigning {
  std::string signingKey;  // raw 32 bytes
  std::string amzDate;
  std::string scope;
  std::string seedSignature;  // hex, from the Authorization header
};

// The string a chunk's signature is the HMAC of.
std::string chunkStringToSign(const ChunkSigning& signing, std::string_view previousSignature,
                              std::string_view chunkSha256Hex);
// The string a signed trailer's signature is the HMAC of; `trailerLines` is "name:value\n"...
std::string trailerStringToSign(const ChunkSigning& signing, std::string_view previousSignature,
                                std::string_view trailerLines);

class AwsChunkedDecoder {
 public:
  // `source` is the raw body. Errors are S3Error: IncompleteBody / InvalidRequest (400) for
  // framing, SignatureDoesNotMatch (403) for a bad chunk or trailer signature.
  AwsChunkedDecoder(ReadFn source, std::optional<ChunkSigning> signing);
  ~AwsChunkedDecoder();

  // Up to n decoded bytes; 0 once the final chunk and its trailers were read and checked.
  std::size_t read(char* out, std::size_t n);
  // The trailing headers (lowercase names, trimmed values), once read() returned 0.
  const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }

 private:
  struct Impl;
  std::size_t fill();
  void ensure(std::size_t n);  // at least n buffered bytes, or IncompleteBody
  std::string readLine();
  void startChunk();
  void endChunk();
  void readTrailers();

  ReadFn source_;
  std::optional<ChunkSigning> signing_;
  std::string previousSignature_;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::uint64_t remaining_ = 0;  // data bytes left in the current chunk
  std::string chunkSignature_;
  std::unique_ptr<Impl> impl_;  // the running SHA-256 of the current chunk
  bool inChunk_ = false;
  bool done_ = false;
  std::vector<std::pair<std::string, std::string>> trailers_;
};

}  // namespace assetd::s3
