// The S3 blob store against a real S3-compatible service that verifies signatures: OpenStack
// Swift's s3api, which scripts/test.sh starts (tests/services/swift-s3.sh) and names in
// ASSETD_TEST_S3_ENDPOINT, ASSETD_TEST_S3_REGION, ASSETD_TEST_S3_ACCESS_KEY and
// ASSETD_TEST_S3_SECRET_KEY. Skipped only when ASSETD_TEST_S3_ENDPOINT is unset.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>

#include "blob/s3_blob_store.hpp"
#include "core/error.hpp"
#include "sign/crypto.hpp"

namespace assetd::blob {
namespace {

constexpr std::uint64_t kMiB = 1u << 20;

std::string env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

std::string randomSuffix() {
  static std::mt19937_64 generator(std::random_device{}());
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  return std::to_string(generator() % 1'000'000'000'000ull);
}

// Deterministic bytes, different at every offset for a long way.
std::string pattern(std::size_t size, unsigned seed = 1) {
  std::string out(size, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

// Hands out `text` in pieces of at most `piece` bytes.
ReadFn chunked(const std::string& text, std::size_t piece = 64 * 1024) {
  return [&text, piece, at = std::size_t{0}](char* out, std::size_t n) mutable {
    n = std::min({n, piece, text.size() - at});
    std::copy_n(text.data() + at, n, out);
    at += n;
    return n;
  };
}

std::string md5Etag(std::string_view bytes) {
  // S3's ETag of a single-part object is the hex MD5 of its body.
  std::string digest(16, '\0');
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), reinterpret_cast<unsigned char*>(digest.data()), &length,
             EVP_md5(), nullptr);
  return "\"" + sign::crypto::hex(digest) + "\"";
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

class S3ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (env("ASSETD_TEST_S3_ENDPOINT", "").empty())
      GTEST_SKIP() << "ASSETD_TEST_S3_ENDPOINT is not set (scripts/test.sh sets it)";
    store_ = openS3BlobStore(config());
  }

  // A fresh bucket per test, created by the store itself; parts of 5 MiB above 6 MiB so that
  // multipart uploads stay small.
  S3Config config() {
    S3Config config;
    config.endpoint = env("ASSETD_TEST_S3_ENDPOINT", "");
    config.region = env("ASSETD_TEST_S3_REGION", "us-east-1");
    config.credentials = {env("ASSETD_TEST_S3_ACCESS_KEY", "test:tester"),
                          env("ASSETD_TEST_S3_SECRET_KEY", "testing"), ""};
    config.bucket = bucket_;
    config.pathStyle = true;
    config.multipartThreshold = 6 * kMiB;
    config.partSize = 5 * kMiB;
    config.ensureBucket = true;
    return config;
  }

  std::string readRange(const std::string& key, std::uint64_t offset, std::uint64_t length,
                        bool* found = nullptr) {
    std::string out;
    const bool exists =
        store_->read(key, offset, length, [&](const char* d, std::size_t n) { out.append(d, n); });
    if (found) *found = exists;
    return out;
  }

  std::string bucket_ = "assetd-test-" + randomSuffix();
  std::unique_ptr<BlobStore> store_;
};

TEST_F(S3ServiceTest, PutThenGetHeadAndUrl) {
  store_->put("assets/o/p/hello.txt", "hello");
  EXPECT_EQ(store_->get("assets/o/p/hello.txt"), "hello");
  const auto info = store_->head("assets/o/p/hello.txt");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 5u);
  EXPECT_EQ(info->etag, md5Etag("hello"));
  EXPECT_GT(info->lastModifiedMillis, 1'600'000'000'000);
  EXPECT_EQ(store_->urlFor("assets/o/p/hello.txt"),
            env("ASSETD_TEST_S3_ENDPOINT", "") + "/" + bucket_ + "/assets/o/p/hello.txt");
}

TEST_F(S3ServiceTest, KeysWithSpacesAndUnicodeRoundTrip) {
  const std::string key = "assets/o/p/photo 1+2 \xC3\xA9t\xC3\xA9 (copy).png";
  store_->put(key, "bytes");
  EXPECT_EQ(store_->get(key), "bytes");
  EXPECT_TRUE(store_->head(key));
  EXPECT_FALSE(store_->head("assets/o/p/photo 1+2"));
}

TEST_F(S3ServiceTest, EmptyObjects) {
  store_->put("empty", "");
  EXPECT_EQ(store_->get("empty"), "");
  ASSERT_TRUE(store_->head("empty"));
  EXPECT_EQ(store_->head("empty")->size, 0u);
  const std::string nothing;
  const ObjectInfo info = store_->putStream("empty-stream", chunked(nothing), 0, "");
  EXPECT_EQ(info.size, 0u);
  EXPECT_EQ(store_->get("empty-stream"), "");
}

TEST_F(S3ServiceTest, PutStreamOfKnownSizeKeepsTypeAndEtag) {
  const std::string body = pattern(300 * 1024);
  const ObjectInfo info =
      store_->putStream("s/known.bin", chunked(body, 1000), body.size(), "image/png");
  EXPECT_EQ(info.size, body.size());
  EXPECT_EQ(info.etag, md5Etag(body));
  EXPECT_EQ(info.contentType, "image/png");
  const auto head = store_->head("s/known.bin");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, body.size());
  EXPECT_EQ(head->etag, md5Etag(body));
  EXPECT_EQ(head->contentType, "image/png");
  EXPECT_EQ(store_->get("s/known.bin"), body);
}

TEST_F(S3ServiceTest, PutStreamOfUnknownSizeIsSpooledFirst) {
  const std::string body = pattern(200 * 1024, 2);
  const ObjectInfo info =
      store_->putStream("s/unknown.bin", chunked(body, 777), std::nullopt, "text/plain");
  EXPECT_EQ(info.size, body.size());
  EXPECT_EQ(info.etag, md5Etag(body));
  EXPECT_EQ(store_->get("s/unknown.bin"), body);
  EXPECT_EQ(store_->head("s/unknown.bin")->contentType, "text/plain");
}

TEST_F(S3ServiceTest, LargeStreamsGoUpInParts) {
  // 11 MiB + 123 bytes over a 6 MiB threshold in 5 MiB parts: three parts, the last one short.
  const std::string body = pattern(11 * kMiB + 123, 3);
  const ObjectInfo known =
      store_->putStream("big/known.bin", chunked(body), body.size(), "video/mp4");
  EXPECT_EQ(known.size, body.size());
  EXPECT_TRUE(known.etag.ends_with("-3\"")) << known.etag;
  const auto head = store_->head("big/known.bin");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, body.size());
  EXPECT_EQ(head->contentType, "video/mp4");
  EXPECT_TRUE(store_->get("big/known.bin") == body);

  const ObjectInfo unknown = store_->putStream("big/unknown.bin", chunked(body), std::nullopt, "");
  EXPECT_TRUE(unknown.etag.ends_with("-3\"")) << unknown.etag;
  EXPECT_TRUE(store_->get("big/unknown.bin") == body);
}

TEST_F(S3ServiceTest, LargePutFromMemoryGoesUpInParts) {
  const std::string body = pattern(7 * kMiB, 4);
  store_->put("big/memory.bin", body);
  const auto head = store_->head("big/memory.bin");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, body.size());
  EXPECT_TRUE(head->etag.ends_with("-2\"")) << head->etag;
  EXPECT_TRUE(store_->get("big/memory.bin") == body);
}

TEST_F(S3ServiceTest, SignedPayloadsAreAccepted) {
  S3Config signing = config();
  signing.signPayload = true;
  auto store = openS3BlobStore(signing);
  store->put("signed/small", "small body");
  const std::string big = pattern(6 * kMiB + 5, 5);
  const ObjectInfo info = store->putStream("signed/big", chunked(big), big.size(), "");
  EXPECT_TRUE(info.etag.ends_with("-2\"")) << info.etag;
  EXPECT_EQ(store->get("signed/small"), "small body");
  EXPECT_TRUE(store->get("signed/big") == big);
}

TEST_F(S3ServiceTest, RangedReads) {
  const std::string body = pattern(1000, 6);
  store_->put("r", body);
  EXPECT_EQ(readRange("r", 100, 50), body.substr(100, 50));
  EXPECT_EQ(readRange("r", 0, 1), body.substr(0, 1));
  EXPECT_EQ(readRange("r", 999, 1), body.substr(999, 1));
  EXPECT_EQ(readRange("r", 990, 100), body.substr(990));  // clamped to the object
  EXPECT_EQ(readRange("r", 0, ~std::uint64_t{0}), body);
  EXPECT_EQ(readRange("r", 500, ~std::uint64_t{0}), body.substr(500));
  bool found = false;
  EXPECT_EQ(readRange("r", 1000, 10, &found), "");  // starts at the end: nothing, but it exists
  EXPECT_TRUE(found);
  EXPECT_EQ(readRange("r", 5000, 10, &found), "");
  EXPECT_TRUE(found);
  EXPECT_EQ(readRange("r", 10, 0, &found), "");
  EXPECT_TRUE(found);
}

TEST_F(S3ServiceTest, MissingKeys) {
  EXPECT_EQ(store_->head("no/such/key"), std::nullopt);
  EXPECT_EQ(store_->get("no/such/key"), std::nullopt);
  bool found = true;
  EXPECT_EQ(readRange("no/such/key", 0, 10, &found), "");
  EXPECT_FALSE(found);
  EXPECT_FALSE(store_->remove("no/such/key"));
}

TEST_F(S3ServiceTest, RemoveAndOverwrite) {
  store_->put("k", "first");
  store_->put("k", "second");
  EXPECT_EQ(store_->get("k"), "second");
  EXPECT_TRUE(store_->remove("k"));
  EXPECT_EQ(store_->head("k"), std::nullopt);
  EXPECT_EQ(store_->get("k"), std::nullopt);
  EXPECT_FALSE(store_->remove("k"));
}

TEST_F(S3ServiceTest, StreamsOfTheWrongLengthStoreNothing) {
  const std::string body = pattern(1000, 7);
  Failure shorter = failureOf([&] { store_->putStream("short", chunked(body, 100), 1001, ""); });
  EXPECT_EQ(shorter.status, 400);
  EXPECT_EQ(shorter.message, "body: ended after 1000 of the 1001 bytes declared");
  EXPECT_EQ(store_->head("short"), std::nullopt);

  Failure longer = failureOf([&] { store_->putStream("long", chunked(body, 100), 999, ""); });
  EXPECT_EQ(longer.status, 400);
  EXPECT_EQ(longer.message, "body: longer than the 999 bytes declared");
  EXPECT_EQ(store_->head("long"), std::nullopt);

  const std::string big = pattern(7 * kMiB, 8);
  Failure shortParts =
      failureOf([&] { store_->putStream("short-big", chunked(big), big.size() + 1, ""); });
  EXPECT_EQ(shortParts.status, 400);
  EXPECT_EQ(store_->head("short-big"), std::nullopt);
  Failure longParts =
      failureOf([&] { store_->putStream("long-big", chunked(big), big.size() - 1, ""); });
  EXPECT_EQ(longParts.status, 400);
  EXPECT_EQ(store_->head("long-big"), std::nullopt);
}

TEST_F(S3ServiceTest, AFailingStreamStoresNothingAndPassesItsErrorOn) {
  std::size_t calls = 0;
  ReadFn failing = [&](char* out, std::size_t n) -> std::size_t {
    if (++calls > 3) throw core::ApiError(499, "client went away");
    std::fill_n(out, std::min<std::size_t>(n, 1000), 'x');
    return std::min<std::size_t>(n, 1000);
  };
  Failure failure = failureOf([&] { store_->putStream("broken", failing, 100000, ""); });
  EXPECT_EQ(failure.status, 499);
  EXPECT_EQ(failure.message, "client went away");
  EXPECT_EQ(store_->head("broken"), std::nullopt);
}

TEST_F(S3ServiceTest, AWriterThatThrowsStopsTheRead) {
  store_->put("w", pattern(500 * 1024, 9));
  Failure failure = failureOf([&] {
    store_->read("w", 0, ~std::uint64_t{0},
                 [](const char*, std::size_t) { throw core::ApiError(499, "reader gone"); });
  });
  EXPECT_EQ(failure.status, 499);
  EXPECT_EQ(store_->get("w")->size(), 500u * 1024);  // the store still works afterwards
}

TEST_F(S3ServiceTest, ManyThreadsAtOnce) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) {
        const std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        const std::string body = pattern(10000 + t * 100 + i, t * 100 + i);
        store_->put(key, body);
        if (store_->get(key) != body) ++wrong;
        if (!store_->remove(key)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(S3ServiceTest, OpeningAgainFindsTheExistingBucket) {
  store_->put("kept", "still here");
  auto again = openS3BlobStore(config());
  EXPECT_EQ(again->get("kept"), "still here");
}

TEST_F(S3ServiceTest, AMissingBucketIsAnErrorNotAMissingKey) {
  S3Config absent = config();
  absent.bucket = "assetd-absent-" + randomSuffix();
  absent.ensureBucket = false;
  auto store = openS3BlobStore(absent);
  Failure failure = failureOf([&] { store->get("k"); });
  EXPECT_EQ(failure.status, 502);
  EXPECT_NE(failure.message.find("NoSuchBucket"), std::string::npos) << failure.message;
}

TEST_F(S3ServiceTest, WrongSecretIsRejectedWithAClearError) {
  S3Config wrong = config();
  wrong.credentials.secretAccessKey = "not-the-secret";
  Failure opening = failureOf([&] { openS3BlobStore(wrong); });
  EXPECT_EQ(opening.status, 502);
  EXPECT_TRUE(opening.message.starts_with("object store refused GET " + bucket_ +
                                          "?location (checking the bucket): "
                                          "SignatureDoesNotMatch (HTTP 403)"))
      << opening.message;

  wrong.ensureBucket = false;
  auto store = openS3BlobStore(wrong);
  Failure putting = failureOf([&] { store->put("k", "v"); });
  EXPECT_EQ(putting.status, 502);
  EXPECT_TRUE(putting.message.starts_with("object store refused PUT " + bucket_ +
                                          "/k: SignatureDoesNotMatch (HTTP 403)"))
      << putting.message;
  Failure reading = failureOf([&] { store->get("k"); });
  EXPECT_EQ(reading.status, 502);
  EXPECT_NE(reading.message.find("SignatureDoesNotMatch"), std::string::npos) << reading.message;
  // HEAD replies carry no body, so only the status can be named.
  Failure heading = failureOf([&] { store->head("k"); });
  EXPECT_EQ(heading.status, 502);
  EXPECT_EQ(heading.message, "object store refused HEAD " + bucket_ + "/k: HTTP 403");
  EXPECT_EQ(store_->head("k"), std::nullopt);  // nothing got in
}

TEST_F(S3ServiceTest, UnknownAccessKeyIsRejected) {
  S3Config unknown = config();
  unknown.credentials = {"nobody:none", "whatever", ""};
  Failure failure = failureOf([&] { openS3BlobStore(unknown); });
  EXPECT_EQ(failure.status, 502);
  EXPECT_TRUE(failure.message.starts_with("object store refused GET ")) << failure.message;
}

}  // namespace
}  // namespace assetd::blob
