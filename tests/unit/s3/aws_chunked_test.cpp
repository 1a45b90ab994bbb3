// The aws-chunked decoder against the S3 documentation's chunked-upload example
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, 66560 bytes of 'a' in chunks of 65536 and 1024), and
// against bodies made with the same signing steps: trailers, tampering and bad framing.
#include <gtest/gtest.h>

#include <algorithm>

#include "s3/aws_chunked.hpp"
#include "s3/s3_error.hpp"
#include "s3_error_code.hpp"
#include "sign/crypto.hpp"
#include "sign/sigv4.hpp"

namespace assetd::s3 {
namespace {

// The documentation's example: secret, date, scope and the seed signature of its PUT.
ChunkSigning docSigning() {
  ChunkSigning signing;
  signing.signingKey = sign::sigv4::signingKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                               "20130524", "us-east-1", "s3");
  signing.amzDate = "20130524T000000Z";
  signing.scope = "20130524/us-east-1/s3/aws4_request";
  signing.seedSignature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  return signing;
}

const char* kDocChunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
const char* kDocChunk2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
const char* kDocFinal = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

std::string docBody(const char* chunk1 = kDocChunk1) {
  std::string body = std::string("10000;chunk-signature=") + chunk1 + "\r\n";
  body += std::string(65536, 'a') + "\r\n";
  body += std::string("400;chunk-signature=") + kDocChunk2 + "\r\n";
  body += std::string(1024, 'a') + "\r\n";
  body += std::string("0;chunk-signature=") + kDocFinal + "\r\n\r\n";
  return body;
}

// A source handing out `body` at most `piece` bytes per call.
ReadFn source(const std::string& body, std::size_t piece = SIZE_MAX) {
  auto offset = std::make_shared<std::size_t>(0);
  return [&body, piece, offset](char* out, std::size_t n) {
    std::size_t take = std::min({n, piece, body.size() - *offset});
    std::copy_n(body.data() + *offset, take, out);
    *offset += take;
    return take;
  };
}

std::string decodeAll(AwsChunkedDecoder& decoder, std::size_t bufferSize = 8192) {
  std::string out;
  std::string buffer(bufferSize, '\0');
  while (std::size_t n = decoder.read(buffer.data(), buffer.size())) out.append(buffer.data(), n);
  return out;
}

using testing::codeOf;

TEST(AwsChunked, DocumentationExampleChunkSignatures) {
  ChunkSigning signing = docSigning();
  std::string empty = sign::crypto::hex(sign::crypto::sha256(""));
  std::string first = sign::crypto::hex(sign::crypto::sha256(std::string(65536, 'a')));
  EXPECT_EQ(sign::sigv4::signature(signing.signingKey,
                                   chunkStringToSign(signing, signing.seedSignature, first)),
            kDocChunk1);
  EXPECT_EQ(
      sign::sigv4::signature(signing.signingKey, chunkStringToSign(signing, kDocChunk2, empty)),
      kDocFinal);
}

TEST(AwsChunked, DecodesTheDocumentationExample) {
  std::string body = docBody();
  AwsChunkedDecoder decoder(source(body), docSigning());
  EXPECT_EQ(decodeAll(decoder), std::string(66560, 'a'));
}

TEST(AwsChunked, DecodesWhenTheBodyArrivesOneByteAtATime) {
  std::string body = docBody();
  AwsChunkedDecoder decoder(source(body, 1), docSigning());
  EXPECT_EQ(decodeAll(decoder, 7), std::string(66560, 'a'));
}

TEST(AwsChunked, TamperedDataFailsItsChunkSignature) {
  std::string body = docBody();
  body[100] = 'b';
  AwsChunkedDecoder decoder(source(body), docSigning());
  EXPECT_EQ(codeOf([&] { decodeAll(decoder); }), "SignatureDoesNotMatch");
}

TEST(AwsChunked, WrongSeedOrChunkSignatureFails) {
  std::string body = docBody();
  ChunkSigning other = docSigning();
  other.seedSignature[0] = other.seedSignature[0] == '0' ? '1' : '0';
  AwsChunkedDecoder wrongSeed(source(body), other);
  EXPECT_EQ(codeOf([&] { decodeAll(wrongSeed); }), "SignatureDoesNotMatch");

  std::string forged = docBody(kDocChunk2);
  AwsChunkedDecoder wrongChunk(source(forged), docSigning());
  EXPECT_EQ(codeOf([&] { decodeAll(wrongChunk); }), "SignatureDoesNotMatch");
}

TEST(AwsChunked, DroppingTheLastChunkIsAnIncompleteBody) {
  std::string body = docBody();
  body.resize(body.find("0;chunk-signature"));
  AwsChunkedDecoder decoder(source(body), docSigning());
  EXPECT_EQ(codeOf([&] { decodeAll(decoder); }), "IncompleteBody");
}

TEST(AwsChunked, SignedChunksWithoutSignaturesAreRefused) {
  std::string body = "5\r\nhello\r\n0\r\n\r\n";
  AwsChunkedDecoder decoder(source(body), docSigning());
  EXPECT_EQ(codeOf([&] { decodeAll(decoder); }), "InvalidRequest");
}

TEST(AwsChunked, UnsignedChunksWithTrailer) {
  // As @aws-sdk/client-s3 sends STREAMING-UNSIGNED-PAYLOAD-TRAILER.
  std::string body = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
  AwsChunkedDecoder decoder(source(body, 3), std::nullopt);
  EXPECT_EQ(decodeAll(decoder), "hello world");
  ASSERT_EQ(decoder.trailers().size(), 1u);
  EXPECT_EQ(decoder.trailers()[0].first, "x-amz-checksum-crc32");
  EXPECT_EQ(decoder.trailers()[0].second, "DUoRhQ==");
}

TEST(AwsChunked, FinalChunkWithoutClosingLineIsAccepted) {
  std::string body = "3\r\nabc\r\n0\r\n";
  AwsChunkedDecoder decoder(source(body), std::nullopt);
  EXPECT_EQ(decodeAll(decoder), "abc");
}

TEST(AwsChunked, BadFramingIsRefused) {
  for (std::string body : {std::string("zz\r\nabc\r\n0\r\n\r\n"), std::string("3\r\nabcX\r\n0\r\n"),
                           std::string("3\nabc\r\n0\r\n"), std::string(5000, '1') + "\r\n"}) {
    AwsChunkedDecoder decoder(source(body), std::nullopt);
    EXPECT_EQ(codeOf([&] { decodeAll(decoder); }), "InvalidRequest") << body.substr(0, 20);
  }
  std::string shortData = "10\r\nabc";
  AwsChunkedDecoder decoder(source(shortData), std::nullopt);
  EXPECT_EQ(codeOf([&] { decodeAll(decoder); }), "IncompleteBody");
}

// A signed body with a signed trailer, made with the same steps a client takes.
std::string signedTrailerBody(const ChunkSigning& signing, const std::string& data,
                              const std::string& trailer, bool breakTrailer) {
  std::string previous = signing.seedSignature;
  auto sign = [&](const std::string& chunk) {
    previous = sign::sigv4::signature(
        signing.signingKey,
        chunkStringToSign(signing, previous, sign::crypto::hex(sign::crypto::sha256(chunk))));
    return previous;
  };
  std::string body;
  char size[16];
  std::snprintf(size, sizeof size, "%zx", data.size());
  body += std::string(size) + ";chunk-signature=" + sign(data) + "\r\n" + data + "\r\n";
  body += "0;chunk-signature=" + sign("") + "\r\n";
  std::string lines = trailer + "\n";
  std::string trailerSignature =
      sign::sigv4::signature(signing.signingKey, trailerStringToSign(signing, previous, lines));
  if (breakTrailer) trailerSignature[3] = trailerSignature[3] == 'a' ? 'b' : 'a';
  body += trailer + "\r\nx-amz-trailer-signature:" + trailerSignature + "\r\n\r\n";
  return body;
}

TEST(AwsChunked, SignedTrailerIsChecked) {
  ChunkSigning signing = docSigning();
  std::string good =
      signedTrailerBody(signing, "hello world", "x-amz-checksum-crc32:DUoRhQ==", false);
  AwsChunkedDecoder decoder(source(good), signing);
  EXPECT_EQ(decodeAll(decoder), "hello world");
  ASSERT_EQ(decoder.trailers().size(), 1u);

  std::string bad =
      signedTrailerBody(signing, "hello world", "x-amz-checksum-crc32:DUoRhQ==", true);
  AwsChunkedDecoder tampered(source(bad), signing);
  EXPECT_EQ(codeOf([&] { decodeAll(tampered); }), "SignatureDoesNotMatch");
}

}  // namespace
}  // namespace assetd::s3
