// The S3 blob store against a scripted HTTP service: what it sends (signed exactly as curl puts
// it on the wire), and how it treats answers a real service gives only sometimes (Range
// ignored, 5xx, an error inside a 200 completion).
#include <gtest/gtest.h>

#include <atomic>

#include "blob/s3_blob_store.hpp"
#include "blob/s3_request.hpp"
#include "core/error.hpp"
#include "fake_http_service.hpp"
#include "sign/url_codec.hpp"

namespace assetd::blob {
namespace {

using testing::Answer;
using testing::FakeHttpService;
using testing::SeenRequest;

S3Config configFor(const FakeHttpService& service) {
  S3Config config;
  config.bucket = "assetd-objects";
  config.endpoint = service.endpoint();
  config.credentials = {"AKIDEXAMPLE", "secret-key", ""};
  return config;
}

struct Failure {
  int status = 0;
  std::string message;
};
Failure failureOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::ApiError& e) {
    return {e.status(), e.what()};
  }
  return {};
}

std::string errorXml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
         message + "</Message></Error>";
}

// What the service makes of a recorded request's signature.
sign::sigv4::VerifyResult verified(const SeenRequest& request) {
  sign::sigv4::Headers headers;
  for (const auto& [name, value] : request.headers) headers.emplace_back(name, value);
  const std::size_t question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  const std::string query =
      question == std::string::npos ? "" : request.target.substr(question + 1);
  auto secrets = [](std::string_view id) -> std::optional<std::string> {
    if (id == "AKIDEXAMPLE") return "secret-key";
    return std::nullopt;
  };
  sign::sigv4::VerifyOptions options;
  options.region = "us-east-1";
  options.maxSkewSeconds = 24 * 3600;
  return sign::sigv4::verify({request.method, path, query, headers}, secrets, std::time(nullptr),
                             options);
}

TEST(S3FakeService, RequestsArriveSignedAsSent) {
  FakeHttpService service([](const SeenRequest& request) {
    if (request.method == "PUT") return Answer{200, {{"ETag", "\"e\""}}, ""};
    return Answer{200, {}, "stored body"};
  });
  S3Config config = configFor(service);
  config.credentials.sessionToken = "session-token";
  auto store = openS3BlobStore(config);
  const ObjectInfo info = store->putStream(
      "assets/a b+c/\xC3\xA9.txt",
      [sent = false](char* out, std::size_t) mutable {
        if (sent) return std::size_t{0};
        sent = true;
        std::copy_n("hello", 5, out);
        return std::size_t{5};
      },
      5, "text/plain");
  EXPECT_EQ(info.etag, "\"e\"");
  EXPECT_EQ(info.size, 5u);
  EXPECT_EQ(store->get("k"), "stored body");

  const auto seen = service.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].target, "/assetd-objects/assets/a%20b%2Bc/%C3%A9.txt");
  EXPECT_EQ(seen[0].body, "hello");
  EXPECT_EQ(seen[0].headers.at("content-type"), "text/plain");
  EXPECT_EQ(seen[0].headers.at("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(seen[0].headers.at("x-amz-security-token"), "session-token");
  EXPECT_EQ(seen[1].method, "GET");
  EXPECT_EQ(seen[1].headers.count("range"), 0u);
  EXPECT_EQ(seen[1].headers.at("x-amz-content-sha256"), sign::sigv4::kEmptyPayloadHash);
  for (const auto& request : seen) {
    const sign::sigv4::VerifyResult result = verified(request);
    EXPECT_TRUE(result.ok()) << request.method << " " << request.target << ": " << result.message;
  }
}

TEST(S3FakeService, SignedPayloadsCarryTheBodysHash) {
  FakeHttpService service([](const SeenRequest&) { return Answer{200, {{"ETag", "\"e\""}}, ""}; });
  S3Config config = configFor(service);
  config.signPayload = true;
  auto store = openS3BlobStore(config);
  store->put("k", "payload");
  const std::string body = "streamed";
  std::size_t at = 0;
  store->putStream(
      "s",
      [&](char* out, std::size_t n) {
        n = std::min(n, body.size() - at);
        std::copy_n(body.data() + at, n, out);
        at += n;
        return n;
      },
      std::nullopt, "");
  const auto seen = service.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].headers.at("x-amz-content-sha256"),
            "239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5");  // "payload"
  EXPECT_EQ(seen[1].body, "streamed");
  EXPECT_TRUE(verified(seen[0]).ok());
  EXPECT_EQ(verified(seen[1]).payloadHash, seen[1].headers.at("x-amz-content-sha256"));
}

TEST(S3FakeService, HeadReadsSizeEtagTypeAndDate) {
  FakeHttpService service([](const SeenRequest&) {
    return Answer{200,
                  {{"Content-Length", "1234"},
                   {"ETag", "\"abc\""},
                   {"Content-Type", "image/png"},
                   {"Last-Modified", "Mon, 12 Oct 2009 17:50:30 GMT"}},
                  ""};
  });
  auto store = openS3BlobStore(configFor(service));
  const auto info = store->head("k");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 1234u);
  EXPECT_EQ(info->etag, "\"abc\"");
  EXPECT_EQ(info->contentType, "image/png");
  EXPECT_EQ(info->lastModifiedMillis, 1255369830000);
}

TEST(S3FakeService, AServiceIgnoringRangeStillYieldsTheWindow) {
  FakeHttpService service([](const SeenRequest&) {
    return Answer{200, {}, "0123456789"};
  });  // Range ignored
  auto store = openS3BlobStore(configFor(service));
  auto window = [&](std::uint64_t offset, std::uint64_t length) {
    std::string out;
    EXPECT_TRUE(
        store->read("k", offset, length, [&](const char* d, std::size_t n) { out.append(d, n); }));
    return out;
  };
  EXPECT_EQ(window(3, 4), "3456");
  EXPECT_EQ(window(8, 100), "89");
  EXPECT_EQ(window(0, 1), "0");
  EXPECT_EQ(window(20, 5), "");
  const auto seen = service.seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].headers.at("range"), "bytes=3-6");
  EXPECT_EQ(seen[1].headers.at("range"), "bytes=8-107");
}

TEST(S3FakeService, PartialContentIsPassedOnAsItComes) {
  FakeHttpService service([](const SeenRequest&) {
    return Answer{206, {{"Content-Range", "bytes 3-6/10"}}, "3456"};
  });
  auto store = openS3BlobStore(configFor(service));
  std::string out;
  EXPECT_TRUE(store->read("k", 3, 4, [&](const char* d, std::size_t n) { out.append(d, n); }));
  EXPECT_EQ(out, "3456");
}

TEST(S3FakeService, MissingKeyAndMissingBucketAreToldApart) {
  FakeHttpService service([](const SeenRequest& request) {
    if (request.target.find("/gone") != std::string::npos)
      return Answer{404, {}, errorXml("NoSuchKey", "The specified key does not exist.")};
    return Answer{404, {}, errorXml("NoSuchBucket", "The specified bucket does not exist")};
  });
  auto store = openS3BlobStore(configFor(service));
  EXPECT_EQ(store->get("gone"), std::nullopt);
  const Failure failure = failureOf([&] { store->get("other"); });
  EXPECT_EQ(failure.status, 502);
  EXPECT_EQ(failure.message,
            "object store refused GET assetd-objects/other: NoSuchBucket (HTTP 404): The "
            "specified bucket does not exist");
}

TEST(S3FakeService, RemoveOfAMissingKeySendsNoDelete) {
  FakeHttpService service([](const SeenRequest&) { return Answer{404, {}, ""}; });
  auto store = openS3BlobStore(configFor(service));
  EXPECT_FALSE(store->remove("k"));
  const auto seen = service.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "HEAD");
}

TEST(S3FakeService, ReplayableRequestsAreRetriedOnServerErrors) {
  std::atomic<int> calls{0};
  FakeHttpService service([&](const SeenRequest&) {
    if (++calls == 1) return Answer{503, {}, errorXml("SlowDown", "Reduce your request rate.")};
    return Answer{200, {{"ETag", "\"e\""}}, ""};
  });
  auto store = openS3BlobStore(configFor(service));
  store->put("k", "abc");
  const auto seen = service.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body, "abc");
  EXPECT_EQ(seen[1].body, "abc");
}

TEST(S3FakeService, RetriesStopAfterMaxAttempts) {
  FakeHttpService service([](const SeenRequest&) {
    return Answer{503, {}, errorXml("SlowDown", "Reduce.")};
  });
  S3Config config = configFor(service);
  config.maxAttempts = 2;
  auto store = openS3BlobStore(config);
  const Failure failure = failureOf([&] { store->put("k", "abc"); });
  EXPECT_EQ(failure.status, 502);
  EXPECT_EQ(failure.message,
            "object store refused PUT assetd-objects/k: SlowDown (HTTP 503): Reduce.");
  EXPECT_EQ(service.seen().size(), 2u);
}

TEST(S3FakeService, StreamsAreSentOnlyOnce) {
  FakeHttpService service([](const SeenRequest&) {
    return Answer{503, {}, errorXml("SlowDown", "Reduce.")};
  });
  auto store = openS3BlobStore(configFor(service));
  bool sent = false;
  const Failure failure = failureOf([&] {
    store->putStream(
        "k",
        [&](char* out, std::size_t) {
          if (sent) return std::size_t{0};
          sent = true;
          out[0] = 'x';
          return std::size_t{1};
        },
        1, "");
  });
  EXPECT_EQ(failure.status, 502);
  EXPECT_EQ(service.seen().size(), 1u);
}

// Initiate, parts, complete: the recorded sequence, and what a failure leaves (an abort).
class MultipartScript {
 public:
  explicit MultipartScript(std::string completion) : completion_(std::move(completion)) {}
  Answer operator()(const SeenRequest& request) {
    if (request.method == "POST" && request.target.ends_with("?uploads"))
      return {200,
              {},
              "<InitiateMultipartUploadResult xmlns=\"x\"><UploadId>up/1+</UploadId>"
              "</InitiateMultipartUploadResult>"};
    if (request.method == "PUT") {
      const std::string part = request.target.substr(request.target.find("partNumber=") + 11, 1);
      return {200, {{"ETag", "\"etag-" + part + "\""}}, ""};
    }
    if (request.method == "POST") return {200, {}, completion_};
    return {204, {}, ""};
  }

 private:
  std::string completion_;
};

TEST(S3FakeService, LargeObjectsGoUpInParts) {
  FakeHttpService service(
      MultipartScript("<CompleteMultipartUploadResult><ETag>&quot;whole-3&quot;</ETag>"
                      "</CompleteMultipartUploadResult>"));
  S3Config config = configFor(service);
  config.multipartThreshold = 1;
  config.partSize = 5u << 20;
  auto store = openS3BlobStore(config);
  const std::string body((10u << 20) + 7, 'z');
  std::size_t at = 0;
  const ObjectInfo info = store->putStream(
      "big",
      [&](char* out, std::size_t n) {
        n = std::min(n, body.size() - at);
        std::copy_n(body.data() + at, n, out);
        at += n;
        return n;
      },
      body.size(), "video/mp4");
  EXPECT_EQ(info.etag, "\"whole-3\"");
  EXPECT_EQ(info.size, body.size());

  const auto seen = service.seen();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0].target, "/assetd-objects/big?uploads");
  EXPECT_EQ(seen[0].headers.at("content-type"), "video/mp4");
  EXPECT_EQ(seen[1].target, "/assetd-objects/big?partNumber=1&uploadId=up%2F1%2B");
  EXPECT_EQ(seen[1].body.size(), 5u << 20);
  EXPECT_EQ(seen[2].target, "/assetd-objects/big?partNumber=2&uploadId=up%2F1%2B");
  EXPECT_EQ(seen[3].target, "/assetd-objects/big?partNumber=3&uploadId=up%2F1%2B");
  EXPECT_EQ(seen[3].body.size(), 7u);
  EXPECT_EQ(seen[4].method, "POST");
  EXPECT_EQ(seen[4].target, "/assetd-objects/big?uploadId=up%2F1%2B");
  EXPECT_EQ(seen[4].body, s3::completeMultipartBody({"\"etag-1\"", "\"etag-2\"", "\"etag-3\""}));
  for (const auto& request : seen) EXPECT_TRUE(verified(request).ok()) << request.target;
}

TEST(S3FakeService, AnErrorInsideA200CompletionAbortsTheUpload) {
  FakeHttpService service(MultipartScript(
      errorXml("InternalError", "We encountered an internal error. Please try again.")));
  S3Config config = configFor(service);
  config.multipartThreshold = 1;
  auto store = openS3BlobStore(config);
  const Failure failure = failureOf([&] { store->put("k", "0123456789"); });
  EXPECT_EQ(failure.status, 502);
  EXPECT_EQ(failure.message,
            "object store refused POST assetd-objects/k (completing the upload): InternalError "
            "(HTTP 200): We encountered an internal error. Please try again.");
  const auto seen = service.seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[3].method, "DELETE");
  EXPECT_EQ(seen[3].target, "/assetd-objects/k?uploadId=up%2F1%2B");
}

TEST(S3FakeService, TheBucketIsCreatedWhenMissing) {
  FakeHttpService service([](const SeenRequest& request) {
    if (request.method == "GET")
      return Answer{404, {}, errorXml("NoSuchBucket", "The specified bucket does not exist")};
    return Answer{200, {}, ""};
  });
  S3Config config = configFor(service);
  config.region = "eu-west-1";
  config.ensureBucket = true;
  openS3BlobStore(config);
  const auto seen = service.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "/assetd-objects?location");
  EXPECT_EQ(seen[1].method, "PUT");
  EXPECT_EQ(seen[1].target, "/assetd-objects");
  EXPECT_EQ(seen[1].body,
            "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
            "</CreateBucketConfiguration>");
}

TEST(S3FakeService, ABucketOfSomeoneElseStopsTheStart) {
  FakeHttpService service([](const SeenRequest&) {
    return Answer{403, {}, errorXml("AccessDenied", "Access Denied")};
  });
  S3Config config = configFor(service);
  config.ensureBucket = true;
  const Failure failure = failureOf([&] { openS3BlobStore(config); });
  EXPECT_EQ(failure.status, 502);
  EXPECT_EQ(failure.message,
            "object store refused GET assetd-objects?location (checking the bucket): AccessDenied "
            "(HTTP 403): Access Denied");
}

}  // namespace
}  // namespace assetd::blob
