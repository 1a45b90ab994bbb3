// aws-chunked request bodies, unsigned and signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), as raw
// input; bodies the target frames and signs itself from the input, which must decode to exactly
// their data (and, corrupted at one byte, be refused or still decode to it); and the whole
// PayloadReader of the object endpoint, with the request headers and payload hash from the
// input.
#include <algorithm>
#include <cstdio>
#include <string>

#include "fuzz_input.hpp"
#include "http/message.hpp"
#include "s3/aws_chunked.hpp"
#include "s3/payload_reader.hpp"
#include "s3/s3_error.hpp"
#include "sign/crypto.hpp"
#include "sign/sigv4.hpp"

using namespace assetd;

namespace {

const s3::ChunkSigning& signing() {
  static const s3::ChunkSigning s{
      sign::sigv4::signingKey("fuzz-secret-key", "20231114", "us-east-1", "s3"), "20231114T221320Z",
      "20231114/us-east-1/s3/aws4_request",
      "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"};
  return s;
}

// Reads `body` at most `piece` bytes at a time, as a socket delivers it.
s3::ReadFn source(std::string_view body, std::size_t piece) {
  return [body, piece](char* out, std::size_t n) mutable {
    n = std::min({n, piece, body.size()});
    std::copy_n(body.data(), n, out);
    body.remove_prefix(n);
    return n;
  };
}

// Everything read() hands out, `want` bytes at a time.
template <class Reader>
std::string drain(Reader& reader, std::size_t want) {
  std::string out;
  char buffer[512];
  for (;;) {
    std::size_t got = reader.read(buffer, want);
    fuzz::require(got <= want);
    if (got == 0) return out;
    out.append(buffer, got);
  }
}

// `data` framed as aws-chunked with chunks of the sizes `sizes` cycles through, every chunk
// signed, and with a signed checksum trailer when `trailer`.
std::string frame(std::string_view data, std::string_view sizes, bool trailer) {
  const s3::ChunkSigning& s = signing();
  const std::string_view whole = data;
  std::string body;
  std::string previous = s.seedSignature;
  auto chunk = [&](std::string_view bytes) {
    std::string sig = sign::sigv4::signature(
        s.signingKey,
        s3::chunkStringToSign(s, previous, sign::crypto::hex(sign::crypto::sha256(bytes))));
    char size[32];
    std::snprintf(size, sizeof size, "%zx", bytes.size());
    body += std::string(size) + ";chunk-signature=" + sig + "\r\n";
    body += bytes;
    if (!bytes.empty()) body += "\r\n";
    previous = sig;
  };
  for (std::size_t i = 0; !data.empty(); ++i) {
    std::size_t n =
        sizes.empty() ? data.size() : 1 + static_cast<std::uint8_t>(sizes[i % sizes.size()]);
    chunk(data.substr(0, n));
    data.remove_prefix(std::min(n, data.size()));
  }
  chunk({});
  if (trailer) {
    auto crc = s3::BodyChecksum::named("crc32");
    crc->update(whole.data(), whole.size());
    std::string line = "x-amz-checksum-crc32:" + crc->base64();
    std::string sig =
        sign::sigv4::signature(s.signingKey, s3::trailerStringToSign(s, previous, line + "\n"));
    body += line + "\r\nx-amz-trailer-signature:" + sig + "\r\n";
  }
  body += "\r\n";
  return body;
}

void framed(fuzz::Input& in, std::size_t piece, std::size_t want, std::uint8_t flags) {
  std::string_view sizes = in.field();
  std::string_view data = in.rest();
  std::string body = frame(data, sizes.substr(0, 8), flags & 1);
  if (flags & 2) {  // one byte changed
    std::size_t at = (static_cast<std::size_t>(flags) * 131 + data.size()) % body.size();
    body[at] = static_cast<char>(body[at] ^ (1 + (flags >> 3)));
    try {
      s3::AwsChunkedDecoder decoder(source(body, piece), signing());
      fuzz::require(drain(decoder, want) == data);
    } catch (const core::ApiError&) {
    }
    return;
  }
  s3::AwsChunkedDecoder decoder(source(body, piece), signing());
  fuzz::require(drain(decoder, want) == data);
}

void payloadReader(fuzz::Input& in, std::size_t piece, std::size_t want) {
  http::Request request;
  request.method = "PUT";
  request.path = "/assetd/key";
  request.headers = fuzz::headerLines(in.field());
  sign::sigv4::VerifyResult auth;
  auth.payloadHash = std::string(in.field());
  auth.amzDate = signing().amzDate;
  auth.scope = signing().scope;
  auth.signature = signing().seedSignature;
  auth.signingKey = signing().signingKey;
  std::string_view body = in.rest();
  s3::PayloadReader reader(source(body, piece), body.size(), request, auth);
  drain(reader, want);
  reader.checksumHeaders();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::uint8_t mode = in.byte();
  std::size_t piece = 1 + in.byte();
  std::size_t want = 1 + in.byte() % 512;
  fuzz::rejecting([&] {
    switch (mode % 4) {
      case 0: {
        s3::AwsChunkedDecoder decoder(source(in.rest(), piece), std::nullopt);
        drain(decoder, want);
        return;
      }
      case 1: {
        s3::AwsChunkedDecoder decoder(source(in.rest(), piece), signing());
        drain(decoder, want);
        return;
      }
      case 2:
        return framed(in, piece, want, mode >> 2);
      default:
        try {
          return payloadReader(in, piece, want);
        } catch (const s3::S3Error& e) {  // S3's answer to a STREAMING-* kind it lacks
          if (e.code() != "NotImplemented") throw;
        }
    }
  });
  return 0;
}
