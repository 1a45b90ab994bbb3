#include "blob/s3_blob_store.hpp"

#include <charconv>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <limits>
#include <thread>

#include "blob/s3_request.hpp"
#include "blob/s3_spool.hpp"
#include "blob/s3_transport.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "sign/crypto.hpp"
#include "sign/url_codec.hpp"

namespace assetd::blob {
namespace {

using s3::Reply;

constexpr std::uint64_t kMaxKeyBytes = 1024;
constexpr std::uint64_t kEverything = std::numeric_limits<std::uint64_t>::max();

bool succeeded(const Reply& reply) {
  return reply.status >= 200 && reply.status < 300;
}

bool worthRetrying(long status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

ReadFn memoryReader(std::string_view bytes) {
  return [bytes, position = std::size_t{0}](char* buffer, std::size_t n) mutable {
    n = std::min(n, bytes.size() - position);
    std::copy_n(bytes.data() + position, n, buffer);
    position += n;
    return n;
  };
}

// Passes on exactly `size` bytes of a stream, and fails the upload with a 400 when the stream
// ends sooner or has more: it looks for one more byte as soon as the last one is out.
class ExactReader {
 public:
  ExactReader(const ReadFn& source, std::uint64_t size) : source_(source), size_(size) {
    if (size_ == 0) checkEnd();
  }

  std::size_t operator()(char* buffer, std::size_t n) {
    if (delivered_ == size_) return 0;
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - delivered_));
    const std::size_t got = source_(buffer, n);
    if (got == 0)
      throw core::ApiError::badRequest("body", "ended after " + std::to_string(delivered_) +
                                                   " of the " + std::to_string(size_) +
                                                   " bytes declared");
    delivered_ += got;
    if (delivered_ == size_) checkEnd();
    return got;
  }

 private:
  void checkEnd() {
    char extra = 0;
    if (source_(&extra, 1) > 0)
      throw core::ApiError::badRequest(
          "body", "longer than the " + std::to_string(size_) + " bytes declared");
  }

  const ReadFn& source_;
  std::uint64_t size_;
  std::uint64_t delivered_ = 0;
};

// Thrown by a read's sink to stop a transfer once the asked-for bytes are out.
struct WindowDone {};

// A request body: bytes that can be produced again from the start for a retry, or a stream
// that can be sent once.
struct Body {
  std::uint64_t size = 0;
  std::function<ReadFn()> reopen;
  ReadFn once;
  std::string payloadHash;  // hex SHA-256 when payloads are signed
};

class S3BlobStore final : public BlobStore {
 public:
  explicit S3BlobStore(S3Config config)
      : config_(std::move(config)),
        transport_(
            {config_.connectTimeoutMs, config_.requestTimeoutMs, config_.stallTimeoutSeconds}) {
    if (config_.spoolDir.empty())
      config_.spoolDir = std::filesystem::temp_directory_path().string();
    std::filesystem::create_directories(config_.spoolDir);
  }

  const std::string& bucket() const override { return config_.bucket; }

  // Path-style whatever the addressing of requests: the form the URLs handed to clients take,
  // and the one every S3-compatible service understands.
  std::string urlFor(const std::string& key) const override {
    S3Config naming = config_;
    naming.pathStyle = true;
    return s3::objectUrl(naming, key);
  }

  std::optional<ObjectInfo> head(const std::string& key) override {
    checkKey(key);
    Reply reply = send("HEAD", key, "", {}, nullptr, nullptr);
    if (reply.status == 404) return std::nullopt;
    if (!succeeded(reply)) fail(reply, "HEAD", "/" + key);
    ObjectInfo info;
    const std::string length = reply.header("content-length").value_or("0");
    std::from_chars(length.data(), length.data() + length.size(), info.size);
    if (const auto etag = reply.header("etag")) info.etag = s3::quotedEtag(*etag);
    info.contentType = reply.header("content-type").value_or("");
    info.lastModifiedMillis = reply.lastModified >= 0 ? reply.lastModified * 1000 : 0;
    return info;
  }

  bool read(const std::string& key, std::uint64_t offset, std::uint64_t length,
            const WriteFn& write) override {
    checkKey(key);
    if (length == 0) return head(key).has_value();
    const auto range = s3::rangeHeader(offset, length);
    sign::sigv4::Headers headers;
    if (range) headers.emplace_back("Range", *range);
    // A service that ignores Range answers 200 with the whole object: cut the window here.
    const std::uint64_t end = length > kEverything - offset ? kEverything : offset + length;
    std::optional<std::uint64_t> position;  // of the next byte to arrive, in the object
    auto sink = [&](long status, const char* data, std::size_t n) {
      if (!position) position = status == 206 ? offset : 0;
      const std::uint64_t start = *position;
      *position += n;
      const std::uint64_t from = std::max(start, offset);
      const std::uint64_t to = std::min(*position, end);
      if (from < to) write(data + (from - start), static_cast<std::size_t>(to - from));
      if (status == 200 && range && *position >= end) throw WindowDone{};
    };
    Reply reply;
    try {
      reply = send("GET", key, "", headers, nullptr, sink);
    } catch (const WindowDone&) {
      return true;  // the rest of an unasked-for whole object is not worth receiving
    }
    if (reply.status == 416) return true;  // the object exists; the range starts past its end
    if (reply.status == 404 && isMissingKey(reply)) return false;
    if (!succeeded(reply)) fail(reply, "GET", "/" + key);
    return true;
  }

  std::optional<std::string> get(const std::string& key) override {
    std::string bytes;
    if (!read(key, 0, kEverything, [&](const char* data, std::size_t n) { bytes.append(data, n); }))
      return std::nullopt;
    return bytes;
  }

  void put(const std::string& key, std::string_view bytes) override {
    checkKey(key);
    auto slice = [&](std::uint64_t offset, std::uint64_t size) {
      Body body;
      const std::string_view part = bytes.substr(offset, size);
      body.size = size;
      body.reopen = [part] { return memoryReader(part); };
      if (config_.signPayload) body.payloadHash = sign::crypto::hex(sign::crypto::sha256(part));
      return body;
    };
    if (bytes.size() > config_.multipartThreshold) {
      multipartUpload(key, "", bytes.size(), slice);
    } else {
      Body body = slice(0, bytes.size());
      putObject(key, "", body);
    }
  }

  ObjectInfo putStream(const std::string& key, const ReadFn& read,
                       std::optional<std::uint64_t> expectedSize,
                       const std::string& contentType) override {
    checkKey(key);
    // A signed payload must be hashed before it is sent, and S3 wants every length up front.
    if (!expectedSize || config_.signPayload) {
      s3::Spool spool(config_.spoolDir);
      spool.fill(read, expectedSize);
      return putSpooled(key, spool, contentType);
    }
    ExactReader exact(read, *expectedSize);
    if (*expectedSize > config_.multipartThreshold) {
      return multipartUpload(
          key, contentType, *expectedSize, [&exact](std::uint64_t, std::uint64_t size) {
            Body body;
            body.size = size;
            body.once = [&exact](char* buffer, std::size_t n) { return exact(buffer, n); };
            return body;
          });
    }
    Body body;
    body.size = *expectedSize;
    body.once = [&exact](char* buffer, std::size_t n) { return exact(buffer, n); };
    return putObject(key, contentType, body);
  }

  bool remove(const std::string& key) override {
    checkKey(key);
    // S3 answers 204 whether or not the key existed, so ask first.
    if (!head(key)) return false;
    Reply reply = send("DELETE", key, "", {}, nullptr, nullptr);
    if (reply.status == 404) return false;
    if (!succeeded(reply)) fail(reply, "DELETE", "/" + key);
    return true;
  }

  void ensureBucket() {
    Reply reply = send("GET", "", "location", {}, nullptr, nullptr);
    if (succeeded(reply)) return;
    const auto error = s3::parseErrorReply(reply.body);
    if (reply.status != 404 || (error && error->code != "NoSuchBucket"))
      fail(reply, "GET", "?location (checking the bucket)");
    Body body;
    std::string xml;
    if (config_.region != "us-east-1")
      xml = "<CreateBucketConfiguration><LocationConstraint>" + config_.region +
            "</LocationConstraint></CreateBucketConfiguration>";
    body.size = xml.size();
    body.reopen = [&xml] { return memoryReader(xml); };
    if (config_.signPayload) body.payloadHash = sign::crypto::hex(sign::crypto::sha256(xml));
    reply = send("PUT", "", "", {}, &body, nullptr);
    if (succeeded(reply)) return;
    const auto created = s3::parseErrorReply(reply.body);
    if (created && created->code == "BucketAlreadyOwnedByYou") return;
    fail(reply, "PUT", " (creating the bucket)");
  }

 private:
  using PartFn = std::function<Body(std::uint64_t offset, std::uint64_t size)>;
  using Sink = std::function<void(long, const char*, std::size_t)>;

  static void checkKey(const std::string& key) {
    if (key.empty()) throw core::ApiError::badRequest("key", "required");
    if (key.size() > kMaxKeyBytes)
      throw core::ApiError::badRequest("key", "longer than 1024 bytes");
  }

  // A 404 that means "no such key" rather than "no such bucket"; HEAD replies have no body.
  static bool isMissingKey(const Reply& reply) {
    const auto error = s3::parseErrorReply(reply.body);
    return !error || error->code == "NoSuchKey";
  }

  // `what` follows the bucket's name: "/<key>", "?location", " (creating the bucket)".
  [[noreturn]] void fail(const Reply& reply, const std::string& method,
                         const std::string& what) const {
    std::string message = "object store refused " + method + " " + config_.bucket + what + ": ";
    if (const auto error = s3::parseErrorReply(reply.body)) {
      message += error->code + " (HTTP " + std::to_string(reply.status) + ")";
      if (!error->message.empty()) message += ": " + error->message;
    } else {
      message += "HTTP " + std::to_string(reply.status);
    }
    throw core::ApiError(502, message);
  }

  // One request, signed afresh for each attempt. Requests whose body can be produced again are
  // retried on transport failures and 5xx answers, unless a body byte already reached the sink.
  Reply send(const std::string& method, const std::string& key, const std::string& query,
             const sign::sigv4::Headers& headers, Body* body, const Sink& sink) {
    const std::string url = s3::objectUrl(config_, key, query);
    const bool replayable = !body || body->reopen;
    std::uint64_t sunk = 0;
    for (int attempt = 1;; ++attempt) {
      const std::string payloadHash = !body ? std::string(sign::sigv4::kEmptyPayloadHash)
                                      : body->payloadHash.empty()
                                          ? std::string(sign::sigv4::kUnsignedPayload)
                                          : body->payloadHash;
      s3::Call call;
      call.method = method;
      call.url = url;
      call.headers = s3::signedHeaders(config_, method, url, headers, payloadHash,
                                       static_cast<std::int64_t>(std::time(nullptr)));
      ReadFn reader;
      if (body) {
        reader = body->reopen ? body->reopen() : body->once;
        call.body = &reader;
        call.bodySize = body->size;
        call.wholeRequestTimeout = false;
      }
      if (sink) {
        call.wholeRequestTimeout = false;
        call.sink = [&](long status, const char* data, std::size_t n) {
          sunk += n;
          sink(status, data, n);
        };
      }
      const bool mayRetry = replayable && attempt < config_.maxAttempts;
      try {
        Reply reply = transport_.perform(call);
        if (!(mayRetry && sunk == 0 && worthRetrying(reply.status))) return reply;
      } catch (const s3::TransportError&) {
        if (!mayRetry || sunk > 0) throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
    }
  }

  ObjectInfo putObject(const std::string& key, const std::string& contentType, Body& body) {
    sign::sigv4::Headers headers;
    if (!contentType.empty()) headers.emplace_back("Content-Type", contentType);
    Reply reply = send("PUT", key, "", headers, &body, nullptr);
    if (!succeeded(reply)) fail(reply, "PUT", "/" + key);
    return described(body.size, reply.header("etag").value_or(""), contentType);
  }

  ObjectInfo putSpooled(const std::string& key, const s3::Spool& spool,
                        const std::string& contentType) {
    auto slice = [&](std::uint64_t offset, std::uint64_t size) {
      Body body;
      body.size = size;
      body.reopen = [&spool, offset, size] { return spool.reader(offset, size); };
      if (config_.signPayload) body.payloadHash = spool.sha256Hex(offset, size);
      return body;
    };
    if (spool.size() > config_.multipartThreshold)
      return multipartUpload(key, contentType, spool.size(), slice);
    Body body = slice(0, spool.size());
    return putObject(key, contentType, body);
  }

  // Initiate, upload the parts in order, complete; any failure aborts the upload so that no
  // part is left behind.
  ObjectInfo multipartUpload(const std::string& key, const std::string& contentType,
                             std::uint64_t size, const PartFn& part) {
    sign::sigv4::Headers headers;
    if (!contentType.empty()) headers.emplace_back("Content-Type", contentType);
    Body empty = emptyBody();
    Reply reply = send("POST", key, "uploads", headers, &empty, nullptr);
    const auto uploadId = s3::xmlText(reply.body, "UploadId");
    if (!succeeded(reply) || !uploadId || uploadId->empty())
      fail(reply, "POST", "/" + key + "?uploads");
    const std::string uploadQuery = "uploadId=" + sign::uriEncode(*uploadId);
    try {
      const std::uint64_t partSize = s3::partSizeFor(size, config_.partSize);
      std::vector<std::string> etags;
      for (std::uint64_t offset = 0; offset < size; offset += partSize) {
        Body body = part(offset, std::min(partSize, size - offset));
        const std::string query =
            "partNumber=" + std::to_string(etags.size() + 1) + "&" + uploadQuery;
        reply = send("PUT", key, query, {}, &body, nullptr);
        const auto etag = reply.header("etag");
        if (!succeeded(reply) || !etag)
          fail(reply, "PUT", "/" + key + " (part " + std::to_string(etags.size() + 1) + ")");
        etags.push_back(*etag);
      }
      const std::string xml = s3::completeMultipartBody(etags);
      Body complete;
      complete.size = xml.size();
      complete.reopen = [&xml] { return memoryReader(xml); };
      if (config_.signPayload) complete.payloadHash = sign::crypto::hex(sign::crypto::sha256(xml));
      reply =
          send("POST", key, uploadQuery, {{"Content-Type", "application/xml"}}, &complete, nullptr);
      // The reply to a completion can be 200 with an <Error> document in it.
      if (!succeeded(reply) || s3::parseErrorReply(reply.body))
        fail(reply, "POST", "/" + key + " (completing the upload)");
      return described(size, s3::xmlText(reply.body, "ETag").value_or(""), contentType);
    } catch (...) {
      abortUpload(key, uploadQuery);
      throw;
    }
  }

  void abortUpload(const std::string& key, const std::string& uploadQuery) noexcept {
    try {
      send("DELETE", key, uploadQuery, {}, nullptr, nullptr);
    } catch (...) {
      // The first failure is the one to report; the service expires abandoned uploads.
    }
  }

  Body emptyBody() const {
    Body body;
    body.reopen = [] { return memoryReader({}); };
    if (config_.signPayload) body.payloadHash = std::string(sign::sigv4::kEmptyPayloadHash);
    return body;
  }

  static ObjectInfo described(std::uint64_t size, const std::string& etag,
                              const std::string& contentType) {
    ObjectInfo info;
    info.size = size;
    info.etag = etag.empty() ? "" : s3::quotedEtag(etag);
    info.contentType = contentType;
    info.lastModifiedMillis = core::nowMillis();
    return info;
  }

  S3Config config_;
  s3::Transport transport_;
};

}  // namespace

std::unique_ptr<BlobStore> openS3BlobStore(S3Config config) {
  if (config.bucket.empty()) throw core::ApiError::badRequest("blob.bucket", "required");
  const sign::ParsedUrl endpoint = sign::parseUrl(config.endpoint, "blob.endpoint");
  if (endpoint.scheme != "http" && endpoint.scheme != "https")
    throw core::ApiError::badRequest("blob.endpoint", "must be an http:// or https:// URL");
  if (config.credentials.accessKeyId.empty() || config.credentials.secretAccessKey.empty())
    throw core::ApiError::badRequest("blob credentials",
                                     "an access key and a secret key are required");
  if (config.partSize < kS3MinPartSize || config.partSize > kS3MaxPutSize)
    throw core::ApiError::badRequest("blob.part_size", "must be from 5 MiB to 5 GiB");
  if (config.multipartThreshold == 0 || config.multipartThreshold > kS3MaxPutSize)
    throw core::ApiError::badRequest("blob.multipart_threshold", "must be from 1 byte to 5 GiB");
  if (config.maxAttempts < 1) config.maxAttempts = 1;
  const bool ensure = config.ensureBucket;
  auto store = std::make_unique<S3BlobStore>(std::move(config));
  if (ensure) store->ensureBucket();
  return store;
}

}  // namespace assetd::blob
