// The spool that holds uploads of unknown length, and the transport's answer when no service
// is listening: neither needs an S3 service.
#include <gtest/gtest.h>

#include <filesystem>

#include "blob/s3_blob_store.hpp"
#include "blob/s3_spool.hpp"
#include "core/error.hpp"
#include "sign/crypto.hpp"

namespace assetd::blob::s3 {
namespace {

// Hands out `text` in pieces of at most `piece` bytes.
ReadFn chunked(std::string text, std::size_t piece) {
  return [text = std::move(text), piece, at = std::size_t{0}](char* out, std::size_t n) mutable {
    n = std::min({n, piece, text.size() - at});
    std::copy_n(text.data() + at, n, out);
    at += n;
    return n;
  };
}

std::string drain(ReadFn read) {
  std::string out;
  char buffer[7];
  while (std::size_t n = read(buffer, sizeof buffer)) out.append(buffer, n);
  return out;
}

std::string spoolDir() {
  return std::filesystem::temp_directory_path().string();
}

int statusOf(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const core::ApiError& e) {
    if (message) *message = e.what();
    return e.status();
  }
  return 0;
}

TEST(S3Spool, KeepsTheStreamAndReadsAnyRangeAgain) {
  Spool spool(spoolDir());
  const std::string text = "0123456789abcdefghijklmnopqrstuvwxyz";
  spool.fill(chunked(text, 5), std::nullopt);
  EXPECT_EQ(spool.size(), text.size());
  EXPECT_EQ(drain(spool.reader(0, spool.size())), text);
  EXPECT_EQ(drain(spool.reader(10, 6)), "abcdef");
  EXPECT_EQ(drain(spool.reader(10, 6)), "abcdef");  // again from the start of the range
  EXPECT_EQ(drain(spool.reader(36, 0)), "");
  EXPECT_EQ(spool.sha256Hex(10, 6), sign::crypto::hex(sign::crypto::sha256("abcdef")));
  EXPECT_EQ(spool.sha256Hex(0, 0), std::string(sign::sigv4::kEmptyPayloadHash));
}

TEST(S3Spool, LeavesNoFileBehind) {
  const auto dir = std::filesystem::temp_directory_path() / "assetd-spool-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    Spool spool(dir.string());
    spool.fill(chunked("some bytes", 3), std::nullopt);
    EXPECT_TRUE(std::filesystem::is_empty(dir));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

TEST(S3Spool, RefusesAStreamOfAnotherLengthThanDeclared) {
  std::string message;
  EXPECT_EQ(statusOf([] { Spool(spoolDir()).fill(chunked("12345", 2), 6); }, &message), 400);
  EXPECT_EQ(message, "body: ended after 5 of the 6 bytes declared");
  EXPECT_EQ(statusOf([] { Spool(spoolDir()).fill(chunked("1234567", 2), 6); }, &message), 400);
  EXPECT_EQ(message, "body: longer than the 6 bytes declared");
  EXPECT_EQ(statusOf([] { Spool(spoolDir()).fill(chunked("123456", 4), 6); }), 0);
}

TEST(S3Spool, ReportsADirectoryItCannotWriteIn) {
  std::string message;
  EXPECT_EQ(statusOf([] { Spool("/nonexistent/assetd"); }, &message), 500);
  EXPECT_TRUE(message.starts_with("upload spool: cannot create a file in /nonexistent/assetd"))
      << message;
}

TEST(S3Transport, NoServiceListeningIsA502ThatSaysSo) {
  S3Config config;
  config.bucket = "assetd-objects";
  config.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  config.credentials = {"key", "secret", ""};
  config.maxAttempts = 1;
  auto store = openS3BlobStore(config);
  std::string message;
  EXPECT_EQ(statusOf([&] { store->head("k"); }, &message), 502);
  EXPECT_TRUE(
      message.starts_with("object store unreachable: HEAD "
                          "http://127.0.0.1:1/assetd-objects/k: "))
      << message;
}

TEST(S3Store, RefusesAConfigThatCannotWork) {
  S3Config config;
  config.bucket = "assetd-objects";
  config.endpoint = "http://127.0.0.1:18080";
  std::string message;
  EXPECT_EQ(statusOf([&] { openS3BlobStore(config); }, &message), 400);
  EXPECT_EQ(message, "blob credentials: an access key and a secret key are required");
  config.credentials = {"key", "secret", ""};
  config.partSize = 1024;
  EXPECT_EQ(statusOf([&] { openS3BlobStore(config); }, &message), 400);
  EXPECT_EQ(message, "blob.part_size: must be from 5 MiB to 5 GiB");
  config.partSize = 5u << 20;
  config.endpoint = "ftp://host";
  EXPECT_EQ(statusOf([&] { openS3BlobStore(config); }, &message), 400);
  EXPECT_EQ(message, "blob.endpoint: must be an http:// or https:// URL");
}

TEST(S3Store, UrlForNamesTheObjectAtTheService) {
  S3Config config;
  config.bucket = "assetd-objects";
  config.endpoint = "http://127.0.0.1:18080";
  config.credentials = {"key", "secret", ""};
  auto store = openS3BlobStore(config);
  EXPECT_EQ(store->bucket(), "assetd-objects");
  EXPECT_EQ(store->urlFor("assets/o/p/a b.png"),
            "http://127.0.0.1:18080/assetd-objects/assets/o/p/a%20b.png");

  config.endpoint = "https://s3.eu-west-1.amazonaws.com";
  config.pathStyle = false;  // requests go virtual-hosted; the name stays path-style
  EXPECT_EQ(openS3BlobStore(config)->urlFor("k/v.txt"),
            "https://s3.eu-west-1.amazonaws.com/assetd-objects/k/v.txt");
}

}  // namespace
}  // namespace assetd::blob::s3
