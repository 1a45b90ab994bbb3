// The built-in S3 endpoint driven through a fake exchange: presigned and header-signed
// requests, every authentication failure S3 names, ranges, CORS, interrupted and tampered
// uploads (nothing stored), aws-chunked bodies, listings and multipart uploads.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <tuple>

#include "core/ids.hpp"
#include "objects/object_endpoint.hpp"
#include "s3/aws_chunked.hpp"
#include "s3/s3_xml.hpp"
#include "s3/stream_digest.hpp"
#include "sign/crypto.hpp"
#include "sign/sigv4.hpp"

namespace assetd::objects {
namespace {

namespace fs = std::filesystem;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::int64_t kNow = 1700000000;
// Above the 5 MiB minimum part size, so that a multipart upload fits.
constexpr std::uint64_t kMaxObject = 6u << 20;
constexpr const char* kBase = "http://127.0.0.1:9000";
const sign::sigv4::Credentials kKeys{"AKIDASSETDTEST", "secret/for+tests", ""};

class FakeExchange : public http::StreamExchange {
 public:
  http::Request req;
  std::string body;
  std::size_t failAt = SIZE_MAX;  // readBody throws once this many bytes were read
  bool chunkedRequest = false;

  int status = 0;
  Headers responseHeaders;
  std::optional<std::uint64_t> responseLength;
  bool headOnly = false;
  std::string sent;
  bool finished = false;

  const http::Request& request() const override { return req; }
  std::optional<std::uint64_t> contentLength() const override {
    if (chunkedRequest) return std::nullopt;
    return body.size();
  }
  std::size_t readBody(char* out, std::size_t n) override {
    if (offset_ >= failAt) throw std::runtime_error("client went away");
    std::size_t take = std::min({n, body.size() - offset_, failAt - offset_});
    std::copy_n(body.data() + offset_, take, out);
    offset_ += take;
    return take;
  }
  void sendHead(int s, const Headers& headers, std::optional<std::uint64_t> length,
                bool head) override {
    if (headSent_) throw std::logic_error("head sent twice");
    headSent_ = true;
    status = s;
    responseHeaders = headers;
    responseLength = length;
    headOnly = head;
  }
  void sendBody(const char* data, std::size_t n) override {
    if (!headOnly) sent.append(data, n);
  }
  void sendFile(int fd, std::uint64_t offset, std::uint64_t length) override {
    std::string chunk(static_cast<std::size_t>(length), '\0');
    ssize_t got = ::pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(offset));
    if (got != static_cast<ssize_t>(length)) throw std::runtime_error("short file");
    sendBody(chunk.data(), chunk.size());
  }
  void finish() override { finished = true; }
  bool headSent() const override { return headSent_; }

  std::string header(std::string_view name) const {
    for (const auto& [key, value] : responseHeaders) {
      if (key.size() == name.size() &&
          std::equal(key.begin(), key.end(), name.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
        return value;
    }
    return "";
  }
  std::string errorCode() const { return s3::s3xml::firstText(sent, "Code").value_or(""); }

 private:
  std::size_t offset_ = 0;
  bool headSent_ = false;
};

class ObjectEndpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("assetd-endpoint-" + core::randomHex(6));
    store = std::make_unique<blob::LocalBlobStore>(root.string(), "assetd", kBase);
    ObjectEndpointConfig config;
    config.credentials = kKeys;
    config.publicUrl = kBase;
    config.maxObjectBytes = kMaxObject;
    config.clock = [this] { return now; };
    route = objectEndpoint(*store, config);
  }
  void TearDown() override { fs::remove_all(root); }

  // A request for the presigned URL of `method` on `target` ("/assetd/key?query").
  FakeExchange presigned(const std::string& method, const std::string& target,
                         std::int64_t expires = 600, sign::sigv4::Credentials keys = kKeys,
                         const std::string& useMethod = "") {
    sign::sigv4::PresignInput input;
    input.method = method;
    input.url = kBase + target;
    input.credentials = keys;
    input.time = kNow;
    input.expiresSeconds = expires;
    sign::ParsedUrl url = sign::parseUrl(sign::sigv4::presign(input).url);
    FakeExchange exchange;
    exchange.req.method = useMethod.empty() ? method : useMethod;
    exchange.req.path = url.path;
    exchange.req.rawQuery = url.query;
    exchange.req.headers = {{"host", "127.0.0.1:9000"}};
    return exchange;
  }

  // A request signed in the Authorization header; `payloadHash` as the client declares it.
  FakeExchange headerSigned(const std::string& method, const std::string& target,
                            const std::string& body, Headers headers = {},
                            std::optional<std::string> payloadHash = std::nullopt) {
    sign::sigv4::HeaderSignInput input;
    input.method = method;
    input.url = kBase + target;
    input.headers = headers;
    input.payloadHash = payloadHash ? *payloadHash : sign::crypto::hex(sign::crypto::sha256(body));
    input.credentials = kKeys;
    input.time = kNow;
    sign::sigv4::HeaderSignature signature = sign::sigv4::signHeaders(input);
    sign::ParsedUrl url = sign::parseUrl(input.url);
    FakeExchange exchange;
    exchange.req.method = method;
    exchange.req.path = url.path;
    exchange.req.rawQuery = url.query;
    for (auto& [name, value] : headers) exchange.req.headers.emplace_back(lower(name), value);
    for (auto& [name, value] : signature.headers)
      exchange.req.headers.emplace_back(lower(name), value);
    exchange.body = body;
    return exchange;
  }

  static std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

  FakeExchange& run(FakeExchange& exchange) {
    try {
      route.handle(exchange);
    } catch (const std::exception&) {
      // The server logs and closes; tests look at what was sent.
    }
    return exchange;
  }

  FakeExchange put(const std::string& key, const std::string& body) {
    FakeExchange exchange = presigned("PUT", "/assetd/" + key);
    exchange.body = body;
    run(exchange);
    return exchange;
  }

  // No temp file and no part left (a completed upload's record of its result aside).
  bool noTempFiles() {
    for (const char* dir : {".tmp", ".uploads"})
      for (auto& entry : fs::recursive_directory_iterator(root / dir))
        if (entry.is_regular_file() && entry.path().filename() != "completed") return false;
    return true;
  }

  fs::path root;
  std::unique_ptr<blob::LocalBlobStore> store;
  http::StreamRoute route;
  std::int64_t now = kNow + 10;
};

TEST_F(ObjectEndpoint, ClaimsEverythingOutsideV2) {
  EXPECT_FALSE(isObjectPath("/v2/project/1"));
  EXPECT_FALSE(isObjectPath("/v2"));
  EXPECT_TRUE(isObjectPath("/v2x/a"));
  EXPECT_TRUE(isObjectPath("/assetd/v2/a"));
  EXPECT_TRUE(isObjectPath("/"));
}

TEST_F(ObjectEndpoint, PresignedPutThenGetAndHead) {
  FakeExchange stored = put("photos/cat%201.jpg", "hello world");
  EXPECT_EQ(stored.status, 200) << stored.sent;
  EXPECT_EQ(stored.header("ETag"), "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
  EXPECT_EQ(store->get("photos/cat 1.jpg"), "hello world");

  FakeExchange get = presigned("GET", "/assetd/photos/cat%201.jpg");
  run(get);
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.sent, "hello world");
  EXPECT_EQ(get.responseLength, 11u);
  EXPECT_EQ(get.header("Content-Type"), "binary/octet-stream");
  EXPECT_EQ(get.header("ETag"), stored.header("ETag"));
  EXPECT_EQ(get.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(get.header("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(get.header("Access-Control-Expose-Headers").find("ETag"), std::string::npos);
  EXPECT_FALSE(get.header("Last-Modified").empty());
  EXPECT_TRUE(get.finished);

  FakeExchange head = presigned("HEAD", "/assetd/photos/cat%201.jpg");
  run(head);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.headOnly);
  EXPECT_EQ(head.responseLength, 11u);
}

TEST_F(ObjectEndpoint, ContentTypeIsKeptAndCanBeOverriddenOnGet) {
  FakeExchange upload = presigned("PUT", "/assetd/doc.txt");
  upload.req.headers.emplace_back("content-type", "text/plain");
  upload.body = "text";
  run(upload);
  ASSERT_EQ(upload.status, 200);
  FakeExchange get = presigned("GET", "/assetd/doc.txt");
  run(get);
  EXPECT_EQ(get.header("Content-Type"), "text/plain");
  FakeExchange download =
      presigned("GET", "/assetd/doc.txt?response-content-disposition=attachment%3B%20x.txt");
  run(download);
  EXPECT_EQ(download.header("Content-Disposition"), "attachment; x.txt");
}

TEST_F(ObjectEndpoint, RangeReads) {
  put("r", "0123456789");
  FakeExchange part = presigned("GET", "/assetd/r");
  part.req.headers.emplace_back("range", "bytes=2-4");
  run(part);
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.sent, "234");
  EXPECT_EQ(part.header("Content-Range"), "bytes 2-4/10");

  FakeExchange suffix = presigned("GET", "/assetd/r");
  suffix.req.headers.emplace_back("range", "bytes=-3");
  run(suffix);
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.sent, "789");

  FakeExchange open = presigned("GET", "/assetd/r");
  open.req.headers.emplace_back("range", "bytes=8-");
  run(open);
  EXPECT_EQ(open.sent, "89");
  EXPECT_EQ(open.header("Content-Range"), "bytes 8-9/10");

  FakeExchange beyond = presigned("GET", "/assetd/r");
  beyond.req.headers.emplace_back("range", "bytes=10-20");
  run(beyond);
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.errorCode(), "InvalidRange");
  EXPECT_EQ(beyond.header("Content-Range"), "bytes */10");
}

TEST_F(ObjectEndpoint, ConditionalGets) {
  FakeExchange stored = put("c", "abc");
  FakeExchange same = presigned("GET", "/assetd/c");
  same.req.headers.emplace_back("if-none-match", stored.header("ETag"));
  run(same);
  EXPECT_EQ(same.status, 304);
  FakeExchange other = presigned("GET", "/assetd/c");
  other.req.headers.emplace_back("if-match", "\"0000\"");
  run(other);
  EXPECT_EQ(other.status, 412);
  EXPECT_EQ(other.errorCode(), "PreconditionFailed");
}

TEST_F(ObjectEndpoint, AuthenticationFailuresAreS3Errors) {
  put("k", "v");
  FakeExchange tampered = presigned("GET", "/assetd/k");
  std::size_t at = tampered.req.rawQuery.find("X-Amz-Signature=") + 16;
  tampered.req.rawQuery[at] = tampered.req.rawQuery[at] == '0' ? '1' : '0';
  FakeExchange otherKey = presigned("GET", "/assetd/k");
  otherKey.req.path = "/assetd/other";
  FakeExchange wrongSecret =
      presigned("GET", "/assetd/k", 600, {kKeys.accessKeyId, "not-the-secret", ""});
  FakeExchange unknownKey = presigned("GET", "/assetd/k", 600, {"AKIDUNKNOWN", "x", ""});
  FakeExchange wrongMethod = presigned("GET", "/assetd/k", 600, kKeys, "DELETE");
  FakeExchange expired = presigned("GET", "/assetd/k", 60);
  FakeExchange unsigned_;
  unsigned_.req = {"GET", "/assetd/k", "", {{"host", "127.0.0.1:9000"}}, "", {}, "", -1};
  FakeExchange sigV2;
  sigV2.req = {"GET", "/assetd/k", "AWSAccessKeyId=x&Signature=y&Expires=1", {}, "", {}, "", -1};

  now = kNow + 61;
  run(expired);
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(expired.errorCode(), "AccessDenied");
  EXPECT_EQ(s3::s3xml::firstText(expired.sent, "Message"), "Request has expired");
  now = kNow + 10;

  for (auto [exchange, status, code] : {std::tuple{&tampered, 403, "SignatureDoesNotMatch"},
                                        {&otherKey, 403, "SignatureDoesNotMatch"},
                                        {&wrongSecret, 403, "SignatureDoesNotMatch"},
                                        {&unknownKey, 403, "InvalidAccessKeyId"},
                                        {&wrongMethod, 403, "SignatureDoesNotMatch"},
                                        {&unsigned_, 403, "AccessDenied"},
                                        {&sigV2, 400, "InvalidRequest"}}) {
    run(*exchange);
    EXPECT_EQ(exchange->status, status) << code << ": " << exchange->sent;
    EXPECT_EQ(exchange->errorCode(), code) << exchange->sent;
    EXPECT_EQ(exchange->header("Content-Type"), "application/xml");
    EXPECT_EQ(exchange->header("Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(s3::s3xml::firstText(exchange->sent, "RequestId"),
              exchange->header("x-amz-request-id"));
    EXPECT_EQ(s3::s3xml::firstText(exchange->sent, "Resource"), exchange->req.path);
  }
  EXPECT_EQ(store->get("k"), "v");  // the DELETE with a GET signature did nothing
}

TEST_F(ObjectEndpoint, MissingObjectsAndBuckets) {
  FakeExchange missing = presigned("GET", "/assetd/nope");
  run(missing);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.errorCode(), "NoSuchKey");
  FakeExchange bucket = presigned("GET", "/other/nope");
  run(bucket);
  EXPECT_EQ(bucket.status, 404);
  EXPECT_EQ(bucket.errorCode(), "NoSuchBucket");
  FakeExchange head = presigned("HEAD", "/assetd/nope");
  run(head);
  EXPECT_EQ(head.status, 404);
  EXPECT_TRUE(head.sent.empty());
}

TEST_F(ObjectEndpoint, DeleteIsIdempotent) {
  put("d", "x");
  for (int i = 0; i < 2; ++i) {
    FakeExchange del = presigned("DELETE", "/assetd/d");
    run(del);
    EXPECT_EQ(del.status, 204);
  }
  EXPECT_FALSE(store->head("d"));
}

TEST_F(ObjectEndpoint, BadKeysAndMethods) {
  // ".." is a part of the key, never resolved: the object is "a/../b", not "b".
  FakeExchange dots = presigned("PUT", "/assetd/a/../b");
  dots.body = "x";
  run(dots);
  EXPECT_EQ(dots.status, 200);
  EXPECT_EQ(store->get("a/../b"), "x");
  EXPECT_FALSE(store->head("b"));
  FakeExchange control = presigned("PUT", "/assetd/a%01b");
  control.body = "x";
  run(control);
  EXPECT_EQ(control.errorCode(), "InvalidArgument");
  FakeExchange tooLong = presigned("PUT", "/assetd/" + std::string(1025, 'k'));
  run(tooLong);
  EXPECT_EQ(tooLong.errorCode(), "KeyTooLongError");
  FakeExchange patch = presigned("PATCH", "/assetd/k");
  run(patch);
  EXPECT_EQ(patch.status, 405);
  EXPECT_EQ(patch.errorCode(), "MethodNotAllowed");
}

TEST_F(ObjectEndpoint, CorsPreflightNeedsNoSignature) {
  FakeExchange options;
  options.req = {"OPTIONS",
                 "/assetd/any/key",
                 "",
                 {{"origin", "https://app.example"},
                  {"access-control-request-method", "PUT"},
                  {"access-control-request-headers", "content-type,x-amz-date"}},
                 "",
                 {},
                 "",
                 -1};
  run(options);
  EXPECT_EQ(options.status, 200);
  EXPECT_EQ(options.header("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(options.header("Access-Control-Allow-Methods").find("PUT"), std::string::npos);
  EXPECT_EQ(options.header("Access-Control-Allow-Headers"), "content-type,x-amz-date");
  EXPECT_EQ(options.header("Access-Control-Max-Age"), "3600");
}

TEST_F(ObjectEndpoint, AnInterruptedUploadLeavesNothing) {
  FakeExchange upload = presigned("PUT", "/assetd/cut");
  upload.body = std::string(300000, 'x');
  upload.failAt = 100000;
  run(upload);
  EXPECT_EQ(upload.status, 0);  // nobody to answer
  EXPECT_FALSE(store->head("cut"));
  EXPECT_TRUE(noTempFiles());
}

TEST_F(ObjectEndpoint, TooLargeUploadsAreRefused) {
  FakeExchange upload = presigned("PUT", "/assetd/big");
  upload.body = std::string(kMaxObject + 1, 'x');
  run(upload);
  EXPECT_EQ(upload.status, 400);
  EXPECT_EQ(upload.errorCode(), "EntityTooLarge");
  EXPECT_FALSE(store->head("big"));
}

TEST_F(ObjectEndpoint, SignedPayloadHashIsChecked) {
  FakeExchange good = headerSigned("PUT", "/assetd/signed", "payload");
  run(good);
  EXPECT_EQ(good.status, 200) << good.sent;
  EXPECT_EQ(store->get("signed"), "payload");

  FakeExchange bad = headerSigned("PUT", "/assetd/bad", "payload");
  bad.body = "PAYLOAD";  // same length, other bytes
  run(bad);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.errorCode(), "XAmzContentSHA256Mismatch");
  EXPECT_FALSE(store->head("bad"));
  EXPECT_TRUE(noTempFiles());
}

TEST_F(ObjectEndpoint, ContentMd5AndChecksumHeadersAreChecked) {
  std::string body = "hello world";
  FakeExchange good = headerSigned("PUT", "/assetd/md5", body,
                                   {{"Content-MD5", sign::crypto::base64Encode(s3::md5(body))},
                                    {"x-amz-checksum-crc32", "DUoRhQ=="}});
  run(good);
  EXPECT_EQ(good.status, 200) << good.sent;
  EXPECT_EQ(good.header("x-amz-checksum-crc32"), "DUoRhQ==");

  FakeExchange badMd5 = headerSigned(
      "PUT", "/assetd/md5b", body, {{"Content-MD5", sign::crypto::base64Encode(s3::md5("other"))}});
  run(badMd5);
  EXPECT_EQ(badMd5.errorCode(), "BadDigest");
  FakeExchange badCrc =
      headerSigned("PUT", "/assetd/crcb", body, {{"x-amz-checksum-crc32", "AAAAAA=="}});
  run(badCrc);
  EXPECT_EQ(badCrc.errorCode(), "BadDigest");
  EXPECT_FALSE(store->head("md5b"));
  EXPECT_FALSE(store->head("crcb"));
}

// Bodies past one buffer are hashed on the store's own thread; the Content-MD5 check uses that
// MD5 and still comes before anything is committed.
TEST_F(ObjectEndpoint, ContentMd5OfALargeBodyIsCheckedBeforeCommit) {
  put("large", "before");
  std::string body(3u << 20, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7 + i / 4096);
  FakeExchange bad = presigned("PUT", "/assetd/large");
  bad.req.headers.emplace_back("content-md5", sign::crypto::base64Encode(s3::md5(body + "x")));
  bad.body = body;
  run(bad);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.errorCode(), "BadDigest");
  EXPECT_EQ(store->get("large"), "before");
  EXPECT_TRUE(noTempFiles());

  FakeExchange good = presigned("PUT", "/assetd/large");
  good.req.headers.emplace_back("content-md5", sign::crypto::base64Encode(s3::md5(body)));
  good.body = body;
  run(good);
  ASSERT_EQ(good.status, 200) << good.sent;
  EXPECT_EQ(good.header("ETag"), "\"" + sign::crypto::hex(s3::md5(body)) + "\"");
  EXPECT_EQ(store->get("large"), body);
}

TEST_F(ObjectEndpoint, ContentMd5OfAPartIsChecked) {
  FakeExchange create = presigned("POST", "/assetd/parts?uploads");
  run(create);
  ASSERT_EQ(create.status, 200) << create.sent;
  std::string id = s3::s3xml::firstText(create.sent, "UploadId").value_or("");
  std::string body(2u << 20, 'p');
  std::string etag = "\"" + sign::crypto::hex(s3::md5(body)) + "\"";
  auto uploadPart = [&](const std::string& claimedMd5) {
    FakeExchange part = presigned("PUT", "/assetd/parts?partNumber=1&uploadId=" + id);
    part.req.headers.emplace_back("content-md5", sign::crypto::base64Encode(claimedMd5));
    part.body = body;
    run(part);
    return part;
  };
  auto complete = [&] {
    FakeExchange done = presigned("POST", "/assetd/parts?uploadId=" + id);
    done.body = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag +
                "</ETag></Part></CompleteMultipartUpload>";
    run(done);
    return done;
  };

  FakeExchange bad = uploadPart(s3::md5("other"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.errorCode(), "BadDigest");
  EXPECT_EQ(complete().errorCode(), "InvalidPart");  // the refused part was not kept

  FakeExchange good = uploadPart(s3::md5(body));
  ASSERT_EQ(good.status, 200) << good.sent;
  EXPECT_EQ(good.header("ETag"), etag);
  EXPECT_EQ(complete().status, 200);
  EXPECT_EQ(store->get("parts"), body);
  EXPECT_TRUE(noTempFiles());
}

// Builds a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body for `exchange`, whose Authorization header
// carries the seed signature.
std::string signedChunks(const FakeExchange& exchange, const std::vector<std::string>& chunks) {
  std::string authorization;
  std::string amzDate;
  for (const auto& [name, value] : exchange.req.headers) {
    if (name == "authorization") authorization = value;
    if (name == "x-amz-date") amzDate = value;
  }
  s3::ChunkSigning signing;
  signing.amzDate = amzDate;
  signing.scope = amzDate.substr(0, 8) + "/us-east-1/s3/aws4_request";
  signing.signingKey =
      sign::sigv4::signingKey(kKeys.secretAccessKey, amzDate.substr(0, 8), "us-east-1", "s3");
  std::string previous = authorization.substr(authorization.find("Signature=") + 10);
  std::string body;
  std::vector<std::string> all = chunks;
  all.push_back("");
  for (const std::string& chunk : all) {
    previous = sign::sigv4::signature(
        signing.signingKey,
        s3::chunkStringToSign(signing, previous, sign::crypto::hex(sign::crypto::sha256(chunk))));
    char size[16];
    std::snprintf(size, sizeof size, "%zx", chunk.size());
    body += std::string(size) + ";chunk-signature=" + previous + "\r\n" + chunk + "\r\n";
  }
  return body;
}

TEST_F(ObjectEndpoint, SignedAwsChunkedUpload) {
  Headers headers = {{"Content-Encoding", "aws-chunked"}, {"x-amz-decoded-content-length", "8"}};
  FakeExchange upload = headerSigned("PUT", "/assetd/chunked", "", headers,
                                     std::string(sign::sigv4::kStreamingPayload));
  upload.body = signedChunks(upload, {"abcde", "fgh"});
  run(upload);
  EXPECT_EQ(upload.status, 200) << upload.sent;
  EXPECT_EQ(store->get("chunked"), "abcdefgh");

  FakeExchange tampered = headerSigned("PUT", "/assetd/chunked2", "", headers,
                                       std::string(sign::sigv4::kStreamingPayload));
  tampered.body = signedChunks(tampered, {"abcde", "fgh"});
  tampered.body[tampered.body.find("abcde")] = 'X';
  run(tampered);
  EXPECT_EQ(tampered.status, 403);
  EXPECT_EQ(tampered.errorCode(), "SignatureDoesNotMatch");
  EXPECT_FALSE(store->head("chunked2"));
  EXPECT_TRUE(noTempFiles());
}

TEST_F(ObjectEndpoint, UnsignedChunkedUploadWithTrailingChecksum) {
  Headers headers = {{"Content-Encoding", "aws-chunked"},
                     {"x-amz-decoded-content-length", "11"},
                     {"x-amz-trailer", "x-amz-checksum-crc32"}};
  std::string good = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
  FakeExchange upload =
      headerSigned("PUT", "/assetd/trailer", "", headers, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  upload.body = good;
  upload.chunkedRequest = true;
  run(upload);
  EXPECT_EQ(upload.status, 200) << upload.sent;
  EXPECT_EQ(store->get("trailer"), "hello world");
  EXPECT_EQ(upload.header("x-amz-checksum-crc32"), "DUoRhQ==");

  FakeExchange bad =
      headerSigned("PUT", "/assetd/trailer2", "", headers, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  bad.body = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
  run(bad);
  EXPECT_EQ(bad.errorCode(), "BadDigest");
  FakeExchange shortBody =
      headerSigned("PUT", "/assetd/trailer3", "", headers, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  shortBody.body = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n";
  run(shortBody);
  EXPECT_EQ(shortBody.errorCode(), "IncompleteBody");
  EXPECT_FALSE(store->head("trailer2"));
  EXPECT_FALSE(store->head("trailer3"));
}

std::vector<std::string> keysOf(const std::string& xml, const char* tag) {
  std::vector<std::string> out;
  for (auto element : s3::s3xml::elements(xml, tag))
    out.push_back(s3::s3xml::firstText(element, tag == std::string("Contents") ? "Key" : "Prefix")
                      .value_or(""));
  return out;
}

TEST_F(ObjectEndpoint, ListObjectsV2PagesThroughKeys) {
  for (const char* key : {"a/1", "a/2", "b/1", "c", "d"}) put(key, key);
  std::vector<std::string> seen;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    std::string target = "/assetd?list-type=2&max-keys=2";
    if (!token.empty()) target += "&continuation-token=" + sign::uriEncode(token);
    FakeExchange list = presigned("GET", target);
    run(list);
    ASSERT_EQ(list.status, 200) << list.sent;
    for (auto& key : keysOf(list.sent, "Contents")) seen.push_back(key);
    if (s3::s3xml::firstText(list.sent, "IsTruncated") != "true") break;
    token = s3::s3xml::firstText(list.sent, "NextContinuationToken").value_or("");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a/1", "a/2", "b/1", "c", "d"}));

  FakeExchange folders = presigned("GET", "/assetd/?list-type=2&delimiter=%2F&start-after=a%2F2");
  run(folders);
  EXPECT_EQ(keysOf(folders.sent, "CommonPrefixes"), (std::vector<std::string>{"b/"}));
  EXPECT_EQ(keysOf(folders.sent, "Contents"), (std::vector<std::string>{"c", "d"}));

  FakeExchange v1 = presigned("GET", "/assetd?prefix=a%2F&marker=a%2F1");
  run(v1);
  EXPECT_EQ(keysOf(v1.sent, "Contents"), (std::vector<std::string>{"a/2"}));
}

TEST_F(ObjectEndpoint, BucketRequests) {
  FakeExchange head = presigned("HEAD", "/assetd");
  run(head);
  EXPECT_EQ(head.status, 200);
  FakeExchange location = presigned("GET", "/assetd?location");
  run(location);
  EXPECT_NE(location.sent.find("<LocationConstraint"), std::string::npos);
  FakeExchange buckets = presigned("GET", "/");
  run(buckets);
  EXPECT_EQ(s3::s3xml::firstText(buckets.sent, "Name"), "assetd");
}

TEST_F(ObjectEndpoint, ListingEdgeCases) {
  for (const char* key : {"e/1", "e/2"}) put(key, key);
  // max-keys=0: empty and not truncated, in both versions.
  for (const char* target : {"/assetd?list-type=2&prefix=e%2F&max-keys=0", "/assetd?max-keys=0"}) {
    FakeExchange none = presigned("GET", target);
    run(none);
    ASSERT_EQ(none.status, 200) << none.sent;
    EXPECT_EQ(s3::s3xml::firstText(none.sent, "IsTruncated"), "false") << none.sent;
    EXPECT_TRUE(keysOf(none.sent, "Contents").empty());
    EXPECT_EQ(none.sent.find("NextContinuationToken"), std::string::npos);
    EXPECT_EQ(none.sent.find("NextMarker"), std::string::npos);
  }
  // An empty continuation token is echoed and lists from the start.
  FakeExchange empty = presigned("GET", "/assetd?list-type=2&prefix=e%2F&continuation-token=");
  run(empty);
  EXPECT_NE(empty.sent.find("<ContinuationToken></ContinuationToken>"), std::string::npos)
      << empty.sent;
  EXPECT_EQ(keysOf(empty.sent, "Contents"), (std::vector<std::string>{"e/1", "e/2"}));
  // V1 names owners always, V2 with fetch-owner=true.
  FakeExchange v2 = presigned("GET", "/assetd?list-type=2&prefix=e%2F");
  run(v2);
  EXPECT_EQ(v2.sent.find("<Owner>"), std::string::npos);
  FakeExchange owned = presigned("GET", "/assetd?list-type=2&prefix=e%2F&fetch-owner=true");
  run(owned);
  EXPECT_EQ(s3::s3xml::elements(owned.sent, "Owner").size(), 2u) << owned.sent;
  FakeExchange v1 = presigned("GET", "/assetd?prefix=e%2F");
  run(v1);
  EXPECT_EQ(s3::s3xml::elements(v1.sent, "Owner").size(), 2u) << v1.sent;
}

TEST_F(ObjectEndpoint, SubresourcesAnswerWhatIsTrueOrNotImplemented) {
  put("s", "kept");
  FakeExchange acl = presigned("GET", "/assetd?acl");
  run(acl);
  EXPECT_EQ(acl.status, 200);
  EXPECT_EQ(s3::s3xml::firstText(acl.sent, "Permission"), "FULL_CONTROL");
  FakeExchange cors = presigned("GET", "/assetd?cors");
  run(cors);
  EXPECT_EQ(cors.status, 200);
  EXPECT_EQ(s3::s3xml::firstText(cors.sent, "AllowedOrigin"), "*");
  EXPECT_EQ(s3::s3xml::elements(cors.sent, "AllowedMethod").size(), 5u);
  EXPECT_EQ(s3::s3xml::firstText(cors.sent, "MaxAgeSeconds"), "3600");
  FakeExchange versioning = presigned("GET", "/assetd?versioning");
  run(versioning);
  EXPECT_EQ(versioning.status, 200);
  EXPECT_NE(versioning.sent.find("<VersioningConfiguration"), std::string::npos);
  EXPECT_EQ(versioning.sent.find("Status"), std::string::npos);
  FakeExchange tags = presigned("GET", "/assetd/s?tagging");
  run(tags);
  EXPECT_EQ(tags.status, 200);
  EXPECT_NE(tags.sent.find("<TagSet></TagSet>"), std::string::npos);
  FakeExchange missingTags = presigned("GET", "/assetd/nothing?tagging");
  run(missingTags);
  EXPECT_EQ(missingTags.errorCode(), "NoSuchKey");

  for (auto [method, target, operation] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"PUT", "/assetd?policy", "PutBucketPolicy"},
           {"PUT", "/assetd?versioning", "PutBucketVersioning"},
           {"DELETE", "/assetd?lifecycle", "DeleteBucketLifecycle"},
           {"GET", "/assetd?encryption", "GetBucketEncryption"},
           {"GET", "/assetd?versions", "ListObjectVersions"},
           {"PUT", "/assetd?cors", "PutBucketCors"},
           {"DELETE", "/assetd", "DeleteBucket"},
           {"PUT", "/assetd/s?tagging", "PutObjectTagging"},
           {"PUT", "/assetd/s?acl", "PutObjectAcl"},
           {"GET", "/assetd/s?retention", "GetObjectRetention"},
           {"POST", "/assetd/s?restore", "RestoreObject"}}) {
    FakeExchange refused = presigned(method, target);
    refused.body = "<Configuration/>";
    run(refused);
    EXPECT_EQ(refused.status, 501) << target;
    EXPECT_EQ(refused.errorCode(), "NotImplemented") << target;
    EXPECT_EQ(s3::s3xml::firstText(refused.sent, "Message").value_or("").rfind(operation, 0), 0u)
        << refused.sent;
  }
  // A method S3 has no operation for on a sub-resource is not served by another handler.
  for (auto [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/assetd?acl"},
                                                        {"DELETE", "/assetd?versioning"},
                                                        {"DELETE", "/assetd/s?acl"}}) {
    FakeExchange other = presigned(method, target);
    run(other);
    EXPECT_EQ(other.status, 405) << target;
  }
  FakeExchange get = presigned("GET", "/assetd/s");
  run(get);
  EXPECT_EQ(get.status, 200);
  EXPECT_TRUE(store->head("s"));
}

TEST_F(ObjectEndpoint, WriteHeadersThatWouldNotBeHonouredAreRefused) {
  put("src", "source");
  struct Case {
    std::string method, target;
    Headers headers;
    int status;
    std::string code;
  };
  for (const Case& c : std::vector<Case>{
           {"PUT",
            "/assetd/w",
            {{"x-amz-server-side-encryption", "aws:kms"}},
            501,
            "NotImplemented"},
           {"PUT",
            "/assetd/w",
            {{"x-amz-server-side-encryption", "rot13"}},
            400,
            "InvalidArgument"},
           {"PUT",
            "/assetd/w",
            {{"x-amz-server-side-encryption-customer-algorithm", "AES256"}},
            501,
            "NotImplemented"},
           {"PUT", "/assetd/w", {{"x-amz-tagging", "a=b"}}, 501, "NotImplemented"},
           {"PUT", "/assetd/w", {{"x-amz-storage-class", "GLACIER"}}, 501, "NotImplemented"},
           {"PUT", "/assetd/w", {{"x-amz-storage-class", "NOPE"}}, 400, "InvalidStorageClass"},
           {"PUT", "/assetd/w", {{"x-amz-acl", "public-read"}}, 501, "NotImplemented"},
           {"PUT", "/assetd/w", {{"x-amz-acl", "nonsense"}}, 400, "InvalidArgument"},
           {"PUT", "/assetd/w", {{"x-amz-grant-read", "id=x"}}, 501, "NotImplemented"},
           {"PUT", "/assetd/w", {{"x-amz-object-lock-mode", "GOVERNANCE"}}, 501, "NotImplemented"},
           {"PUT", "/assetd/w", {{"x-amz-website-redirect-location", "/x"}}, 501, "NotImplemented"},
           {"POST", "/assetd/w?uploads", {{"x-amz-tagging", "a=b"}}, 501, "NotImplemented"},
           {"PUT",
            "/assetd/w",
            {{"x-amz-copy-source", "/assetd/src"}, {"x-amz-tagging-directive", "SOMETIMES"}},
            400,
            "InvalidArgument"},
           {"PUT",
            "/assetd/w",
            {{"x-amz-copy-source", "/assetd/src"},
             {"x-amz-copy-source-server-side-encryption-customer-key", "k"}},
            400,
            "InvalidRequest"}}) {
    FakeExchange refused = presigned(c.method, c.target);
    for (auto& header : c.headers) refused.req.headers.push_back(header);
    refused.body = "body";
    run(refused);
    EXPECT_EQ(refused.status, c.status) << c.headers.front().first;
    EXPECT_EQ(refused.errorCode(), c.code) << c.headers.front().first;
    EXPECT_FALSE(store->head("w")) << c.headers.front().first;
  }
  FakeExchange uploads = presigned("GET", "/assetd?uploads");
  run(uploads);
  EXPECT_EQ(uploads.sent.find("<Upload>"), std::string::npos);

  // SSE-C parameters for a stored (so plain) object: S3's 400.
  FakeExchange read = presigned("GET", "/assetd/src");
  read.req.headers.emplace_back("x-amz-server-side-encryption-customer-algorithm", "AES256");
  run(read);
  EXPECT_EQ(read.status, 400);
  EXPECT_EQ(read.errorCode(), "InvalidRequest");

  // What means only "the owner has it" is accepted.
  for (const char* acl : {"private", "bucket-owner-full-control"}) {
    FakeExchange owned = presigned("PUT", "/assetd/w");
    owned.req.headers.emplace_back("x-amz-acl", acl);
    owned.req.headers.emplace_back("x-amz-storage-class", "STANDARD");
    owned.body = "owned";
    run(owned);
    EXPECT_EQ(owned.status, 200) << acl;
  }
}

TEST_F(ObjectEndpoint, MultipartUploadThroughTheEndpoint) {
  FakeExchange create = presigned("POST", "/assetd/mp?uploads");
  run(create);
  ASSERT_EQ(create.status, 200) << create.sent;
  std::string id = s3::s3xml::firstText(create.sent, "UploadId").value_or("");
  ASSERT_FALSE(id.empty());

  std::string part1(blob::LocalBlobStore::kMinPartSize, 'a');
  std::vector<std::string> etags;
  for (auto [number, body] : {std::pair{1, part1}, {2, std::string("tail")}}) {
    FakeExchange part =
        presigned("PUT", "/assetd/mp?partNumber=" + std::to_string(number) + "&uploadId=" + id);
    part.body = body;
    run(part);
    ASSERT_EQ(part.status, 200) << part.sent;
    etags.push_back(part.header("ETag"));
  }
  std::string xml = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < etags.size(); ++i)
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] +
           "</ETag></Part>";
  xml += "</CompleteMultipartUpload>";
  FakeExchange complete = presigned("POST", "/assetd/mp?uploadId=" + id);
  complete.body = xml;
  run(complete);
  ASSERT_EQ(complete.status, 200) << complete.sent;
  EXPECT_TRUE(s3::s3xml::firstText(complete.sent, "ETag")->ends_with("-2\""));
  EXPECT_EQ(store->head("mp")->size, part1.size() + 4);

  FakeExchange abort = presigned("DELETE", "/assetd/mp?uploadId=" + id);
  run(abort);
  EXPECT_EQ(abort.status, 404);
  EXPECT_EQ(abort.errorCode(), "NoSuchUpload");
  EXPECT_TRUE(noTempFiles());
}

TEST_F(ObjectEndpoint, CopyObject) {
  put("src", "copy me");
  FakeExchange copy = presigned("PUT", "/assetd/dst");
  copy.req.headers.emplace_back("x-amz-copy-source", "/assetd/src");
  run(copy);
  EXPECT_EQ(copy.status, 200) << copy.sent;
  EXPECT_EQ(store->get("dst"), "copy me");
  EXPECT_TRUE(s3::s3xml::firstText(copy.sent, "ETag"));
}

// UploadPartCopy: a part taken from a stored object, whole or a range.
class PartCopy : public ObjectEndpoint {
 protected:
  std::string createUpload(const std::string& key) {
    FakeExchange create = presigned("POST", "/assetd/" + key + "?uploads");
    run(create);
    return s3::s3xml::firstText(create.sent, "UploadId").value_or("");
  }
  FakeExchange copyPart(const std::string& key, const std::string& uploadId, int number,
                        const std::string& source, const std::string& range = "") {
    FakeExchange copy =
        presigned("PUT", "/assetd/" + key + "?partNumber=" + std::to_string(number) +
                             "&uploadId=" + uploadId);
    copy.req.headers.emplace_back("x-amz-copy-source", source);
    if (!range.empty()) copy.req.headers.emplace_back("x-amz-copy-source-range", range);
    return run(copy);
  }
  static std::string quotedMd5(const std::string& bytes) {
    return "\"" + sign::crypto::hex(s3::md5(bytes)) + "\"";
  }
};

TEST_F(PartCopy, WholeSourceAndARangeCompleteIntoTheirBytes) {
  std::string source(blob::LocalBlobStore::kMinPartSize + 10, '\0');
  for (std::size_t i = 0; i < source.size(); ++i) source[i] = static_cast<char>('a' + i % 26);
  ASSERT_EQ(put("dir/src file", source).status, 200);
  std::string id = createUpload("joined");
  ASSERT_FALSE(id.empty());

  FakeExchange whole = copyPart("joined", id, 1, "/assetd/dir/src%20file");
  ASSERT_EQ(whole.status, 200) << whole.sent;
  EXPECT_NE(whole.sent.find("<CopyPartResult"), std::string::npos);
  EXPECT_EQ(s3::s3xml::firstText(whole.sent, "ETag"), quotedMd5(source));
  EXPECT_TRUE(s3::s3xml::firstText(whole.sent, "LastModified").value_or("").ends_with("Z"));
  FakeExchange range = copyPart("joined", id, 2, "assetd/dir/src%20file", "bytes=3-9");
  ASSERT_EQ(range.status, 200) << range.sent;
  std::string tail = source.substr(3, 7);
  EXPECT_EQ(s3::s3xml::firstText(range.sent, "ETag"), quotedMd5(tail));

  FakeExchange complete = presigned("POST", "/assetd/joined?uploadId=" + id);
  complete.body = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" +
                  quotedMd5(source) + "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>" +
                  quotedMd5(tail) + "</ETag></Part></CompleteMultipartUpload>";
  run(complete);
  ASSERT_EQ(complete.status, 200) << complete.sent;
  std::string expectedEtag =
      "\"" + sign::crypto::hex(s3::md5(s3::md5(source) + s3::md5(tail))) + "-2\"";
  EXPECT_EQ(s3::s3xml::firstText(complete.sent, "ETag"), expectedEtag);
  EXPECT_EQ(store->get("joined"), source + tail);
  EXPECT_EQ(store->head("joined")->etag, expectedEtag);
  EXPECT_TRUE(noTempFiles());
}

TEST_F(PartCopy, APartMayCopyFromTheUploadsOwnKey) {
  put("same", "0123456789");
  std::string id = createUpload("same");
  FakeExchange copy = copyPart("same", id, 1, "/assetd/same", "bytes=9-9");
  EXPECT_EQ(copy.status, 200) << copy.sent;
  EXPECT_EQ(s3::s3xml::firstText(copy.sent, "ETag"), quotedMd5("9"));
}

TEST_F(PartCopy, BadRangesAreRefusedAndStoreNoPart) {
  put("src", "0123456789");
  std::string id = createUpload("dst");
  for (const char* range :
       {"bytes=5-2", "bytes=-3", "bytes=4-", "items=0-1", "bytes=a-b", "bytes=1-2,4-5", "0-1"}) {
    FakeExchange copy = copyPart("dst", id, 1, "/assetd/src", range);
    EXPECT_EQ(copy.status, 400) << range;
    EXPECT_EQ(copy.errorCode(), "InvalidArgument") << range;
  }
  // Past the source's end, as S3 answers it.
  for (const char* range : {"bytes=0-10", "bytes=10-12"}) {
    FakeExchange copy = copyPart("dst", id, 1, "/assetd/src", range);
    EXPECT_EQ(copy.status, 416) << range;
    EXPECT_EQ(copy.errorCode(), "InvalidRange") << range;
  }
  EXPECT_TRUE(store->listParts(id, "dst").empty());
}

TEST_F(PartCopy, MissingSourceUploadOrBucketAreS3Errors) {
  put("src", "bytes");
  std::string id = createUpload("dst");
  FakeExchange noKey = copyPart("dst", id, 1, "/assetd/absent");
  EXPECT_EQ(noKey.status, 404);
  EXPECT_EQ(noKey.errorCode(), "NoSuchKey");
  FakeExchange noBucket = copyPart("dst", id, 1, "/elsewhere/src");
  EXPECT_EQ(noBucket.status, 404);
  EXPECT_EQ(noBucket.errorCode(), "NoSuchBucket");
  FakeExchange noUpload = copyPart("dst", std::string(32, 'f'), 1, "/assetd/src");
  EXPECT_EQ(noUpload.status, 404);
  EXPECT_EQ(noUpload.errorCode(), "NoSuchUpload");
  FakeExchange otherKey = copyPart("elsewhere", id, 1, "/assetd/src");
  EXPECT_EQ(otherKey.errorCode(), "NoSuchUpload");
  FakeExchange badNumber = copyPart("dst", id, 0, "/assetd/src");
  EXPECT_EQ(badNumber.status, 400);
  EXPECT_EQ(badNumber.errorCode(), "InvalidArgument");
  EXPECT_TRUE(store->listParts(id, "dst").empty());
}

TEST_F(ObjectEndpoint, UserMetadataAndStandardHeadersComeBackOnGetAndHead) {
  FakeExchange stored = presigned("PUT", "/assetd/meta");
  stored.body = "body";
  stored.req.headers.insert(stored.req.headers.end(), {{"x-amz-meta-camera", "Nikon D850"},
                                                       {"x-amz-meta-taken-at", "2024-05-01"},
                                                       {"cache-control", "max-age=60"},
                                                       {"content-disposition", "attachment"},
                                                       {"content-encoding", "identity"}});
  run(stored);
  ASSERT_EQ(stored.status, 200) << stored.sent;
  for (const char* method : {"GET", "HEAD"}) {
    FakeExchange get = presigned(method, "/assetd/meta");
    run(get);
    EXPECT_EQ(get.status, 200) << method;
    EXPECT_EQ(get.header("x-amz-meta-camera"), "Nikon D850") << method;
    EXPECT_EQ(get.header("x-amz-meta-taken-at"), "2024-05-01") << method;
    EXPECT_EQ(get.header("Cache-Control"), "max-age=60") << method;
    EXPECT_EQ(get.header("Content-Disposition"), "attachment") << method;
    EXPECT_EQ(get.header("Content-Encoding"), "identity") << method;
  }
  // A presigned GET's response-* parameter replaces the stored header instead of adding one.
  FakeExchange overridden = presigned("GET", "/assetd/meta?response-cache-control=no-store");
  run(overridden);
  EXPECT_EQ(overridden.status, 200) << overridden.sent;
  int cacheControls = 0;
  for (const auto& [name, value] : overridden.responseHeaders)
    if (lower(name) == "cache-control") ++cacheControls;
  EXPECT_EQ(cacheControls, 1);
  EXPECT_EQ(overridden.header("Cache-Control"), "no-store");
}

TEST_F(ObjectEndpoint, BadUserMetadataIsRefusedAndNothingStored) {
  FakeExchange tooLarge = presigned("PUT", "/assetd/big-meta");
  tooLarge.body = "x";
  tooLarge.req.headers.emplace_back("x-amz-meta-notes", std::string(2100, 'n'));
  run(tooLarge);
  EXPECT_EQ(tooLarge.status, 400);
  EXPECT_EQ(tooLarge.errorCode(), "MetadataTooLarge");
  FakeExchange control = presigned("PUT", "/assetd/bad-meta");
  control.body = "x";
  control.req.headers.emplace_back("x-amz-meta-notes", "bell\a");
  run(control);
  EXPECT_EQ(control.status, 400);
  EXPECT_EQ(control.errorCode(), "InvalidArgument");
  EXPECT_FALSE(store->head("big-meta"));
  EXPECT_FALSE(store->head("bad-meta"));
}

TEST_F(ObjectEndpoint, CopyObjectCopiesOrReplacesMetadata) {
  FakeExchange source = presigned("PUT", "/assetd/src");
  source.body = "copy me";
  source.req.headers.insert(source.req.headers.end(),
                            {{"x-amz-meta-origin", "camera"}, {"content-type", "image/png"}});
  run(source);
  ASSERT_EQ(source.status, 200) << source.sent;

  FakeExchange copy = presigned("PUT", "/assetd/copied");
  copy.req.headers.insert(copy.req.headers.end(), {{"x-amz-copy-source", "/assetd/src"},
                                                   {"x-amz-meta-ignored", "without REPLACE"}});
  run(copy);
  ASSERT_EQ(copy.status, 200) << copy.sent;
  auto copied = store->open("copied");
  EXPECT_EQ(copied->headers, (s3::StoredHeaders{{"x-amz-meta-origin", "camera"}}));
  EXPECT_EQ(copied->info.contentType, "image/png");

  FakeExchange replace = presigned("PUT", "/assetd/src");
  replace.req.headers.insert(replace.req.headers.end(), {{"x-amz-copy-source", "/assetd/src"},
                                                         {"x-amz-metadata-directive", "REPLACE"},
                                                         {"x-amz-meta-origin", "edited"},
                                                         {"content-type", "image/webp"}});
  run(replace);
  ASSERT_EQ(replace.status, 200) << replace.sent;
  auto replaced = store->open("src");
  EXPECT_EQ(replaced->headers, (s3::StoredHeaders{{"x-amz-meta-origin", "edited"}}));
  EXPECT_EQ(replaced->info.contentType, "image/webp");
  EXPECT_EQ(store->get("src"), "copy me");
}

TEST_F(ObjectEndpoint, MultipartUploadKeepsMetadataFromCreate) {
  FakeExchange create = presigned("POST", "/assetd/mpm?uploads");
  create.req.headers.emplace_back("x-amz-meta-batch", "42");
  run(create);
  ASSERT_EQ(create.status, 200) << create.sent;
  std::string id = s3::s3xml::firstText(create.sent, "UploadId").value_or("");
  FakeExchange part = presigned("PUT", "/assetd/mpm?partNumber=1&uploadId=" + id);
  part.body = "only part";
  run(part);
  ASSERT_EQ(part.status, 200) << part.sent;
  FakeExchange complete = presigned("POST", "/assetd/mpm?uploadId=" + id);
  complete.body = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" +
                  part.header("ETag") + "</ETag></Part></CompleteMultipartUpload>";
  run(complete);
  ASSERT_EQ(complete.status, 200) << complete.sent;
  FakeExchange head = presigned("HEAD", "/assetd/mpm");
  run(head);
  EXPECT_EQ(head.header("x-amz-meta-batch"), "42");

  FakeExchange refused = presigned("POST", "/assetd/mpm2?uploads");
  refused.req.headers.emplace_back("x-amz-meta-batch", std::string(3000, 'b'));
  run(refused);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.errorCode(), "MetadataTooLarge");
}

TEST_F(ObjectEndpoint, DeleteObjects) {
  put("x1", "1");
  put("x2", "2");
  FakeExchange batch = presigned("POST", "/assetd?delete");
  batch.body =
      "<Delete><Object><Key>x1</Key></Object><Object><Key>x2</Key></Object>"
      "<Object><Key>bad\x7f</Key></Object></Delete>";
  run(batch);
  EXPECT_EQ(batch.status, 200) << batch.sent;
  EXPECT_EQ(s3::s3xml::elements(batch.sent, "Deleted").size(), 2u);
  EXPECT_EQ(s3::s3xml::firstText(s3::s3xml::elements(batch.sent, "Error").at(0), "Code"),
            "InvalidArgument");
  EXPECT_FALSE(store->head("x1"));
}

}  // namespace
}  // namespace assetd::objects
