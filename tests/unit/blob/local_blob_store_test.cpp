// The local store: streaming puts that are atomic (an aborted or short stream leaves nothing),
// ETags, sidecar metadata, ranged reads, listing order and roll-up, multipart uploads, and the
// keys it refuses.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>

#include "../s3/s3_error_code.hpp"
#include "blob/local_blob_store.hpp"
#include "blob/local_layout.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "s3/s3_error.hpp"
#include "s3/stream_digest.hpp"
#include "sign/crypto.hpp"

namespace assetd::blob {
namespace {

namespace fs = std::filesystem;

class LocalStore : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("assetd-local-store-" + core::randomHex(6));
    store = std::make_unique<LocalBlobStore>(root.string(), "bucket", "http://h:1/");
  }
  void TearDown() override { fs::remove_all(root); }

  // Regular files anywhere under the root, the sidecar tree and temp area included.
  std::vector<std::string> filesUnder(const fs::path& dir) {
    std::vector<std::string> out;
    for (auto& entry : fs::recursive_directory_iterator(dir))
      if (entry.is_regular_file()) out.push_back(fs::relative(entry.path(), root).string());
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<std::string> listKeys(const std::string& prefix, const std::string& delimiter,
                                    const std::string& after, int limit = 1000) {
    std::vector<std::string> keys;
    store->list(prefix, delimiter, after, [&](const LocalBlobStore::Listed& item) {
      keys.push_back(item.key);
      return static_cast<int>(keys.size()) < limit;
    });
    return keys;
  }

  fs::path root;
  std::unique_ptr<LocalBlobStore> store;
};

// Reads `total` bytes of a repeating pattern in pieces of at most `piece`, then throws if
// `failAt` is reached.
ReadFn pattern(std::uint64_t total, std::size_t piece = 4096, std::uint64_t failAt = UINT64_MAX) {
  auto sent = std::make_shared<std::uint64_t>(0);
  return [=](char* out, std::size_t n) -> std::size_t {
    if (*sent >= failAt) throw std::runtime_error("client went away");
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>({n, piece, total - *sent}));
    for (std::size_t i = 0; i < take; ++i) out[i] = static_cast<char>('a' + (*sent + i) % 26);
    *sent += take;
    return take;
  };
}

std::string patternText(std::uint64_t total) {
  std::string out;
  ReadFn read = pattern(total);
  char buffer[4096];
  while (std::size_t n = read(buffer, sizeof buffer)) out.append(buffer, n);
  return out;
}

TEST_F(LocalStore, StreamedPutComputesEtagAndKeepsContentType) {
  ObjectInfo info = store->putStream("a/b.bin", pattern(3 << 20), 3u << 20, "image/png");
  EXPECT_EQ(info.size, 3u << 20);
  EXPECT_EQ(info.etag, "\"" + sign::crypto::hex(assetd::s3::md5(patternText(3 << 20))) + "\"");
  auto head = store->head("a/b.bin");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->etag, info.etag);
  EXPECT_EQ(head->contentType, "image/png");
  EXPECT_EQ(head->size, 3u << 20);
  EXPECT_GT(head->lastModifiedMillis, 0);
  EXPECT_EQ(filesUnder(root), (std::vector<std::string>{".layout", ".meta/bucket/a~d/b.bin~o",
                                                        "bucket/a~d/b.bin~o"}));
}

TEST_F(LocalStore, PutRecordedKeepsTheRecordedEtagAndRefusesADamagedBody) {
  assetd::s3::StoredHeaders headers;
  headers.emplace_back("x-amz-meta-a", "b");
  // A multipart ETag is kept as it was recorded.
  ObjectInfo info =
      store->putRecorded("m.bin", pattern(6 << 20), 6u << 20, "\"0123-2\"", "video/mp4", headers);
  EXPECT_EQ(info.etag, "\"0123-2\"");
  auto open = store->open("m.bin");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->info.etag, "\"0123-2\"");
  EXPECT_EQ(open->info.contentType, "video/mp4");
  EXPECT_EQ(open->headers, headers);
  // A single-part ETag must be the body's MD5; a short body is refused too. Nothing is stored.
  auto status = [](auto&& call) {
    try {
      call();
    } catch (const core::ApiError& e) {
      return e.status();
    }
    return 0;
  };
  EXPECT_EQ(status([&] { store->putRecorded("bad", pattern(100), 100, "\"00ff\"", "", {}); }), 500);
  EXPECT_EQ(status([&] { store->putRecorded("short", pattern(100), 200, "\"0-1\"", "", {}); }),
            500);
  EXPECT_FALSE(store->head("bad"));
  EXPECT_FALSE(store->head("short"));
}

TEST_F(LocalStore, AReaderTouchesNothingOfTheOwnersDirectory) {
  store->put("k", "v");
  fs::path leftover = root / ".tmp" / "in-progress";
  std::ofstream(leftover) << "a body being written";
  LocalBlobStore reader(root.string(), "bucket", "", LocalBlobStore::Access::Reader);
  EXPECT_TRUE(fs::exists(leftover));  // an owner would have removed it
  EXPECT_EQ(reader.open("k")->info.etag, store->head("k")->etag);
  LocalBlobStore elsewhere((root / "none").string(), "bucket", "", LocalBlobStore::Access::Reader);
  EXPECT_FALSE(fs::exists(root / "none"));
}

TEST_F(LocalStore, PutAndGetRoundTrip) {
  store->put("x/y.json", "{\"a\":1}");
  EXPECT_EQ(store->get("x/y.json"), "{\"a\":1}");
  EXPECT_EQ(store->head("x/y.json")->etag,
            "\"" + sign::crypto::hex(assetd::s3::md5("{\"a\":1}")) + "\"");
  EXPECT_FALSE(store->get("x/missing"));
  EXPECT_EQ(store->urlFor("x/y.json"), "http://h:1/bucket/x/y.json");
}

TEST_F(LocalStore, AnInterruptedStreamLeavesNothing) {
  store->put("k", "old");
  EXPECT_THROW(store->putStream("k", pattern(1 << 20, 1000, 500000), 1u << 20, ""),
               std::runtime_error);
  EXPECT_THROW(store->putStream("new/k", pattern(1 << 20, 1000, 500000), std::nullopt, ""),
               std::runtime_error);
  EXPECT_EQ(store->get("k"), "old");  // the old object is untouched
  EXPECT_FALSE(store->head("new/k"));
  EXPECT_EQ(filesUnder(root),
            (std::vector<std::string>{".layout", ".meta/bucket/k~o", "bucket/k~o"}));
}

TEST_F(LocalStore, AStreamOfTheWrongSizeIsRefused) {
  EXPECT_THROW(store->putStream("short", pattern(100), 101u, ""), core::ApiError);
  EXPECT_THROW(store->putStream("long", pattern(102), 101u, ""), core::ApiError);
  EXPECT_FALSE(store->head("short"));
  EXPECT_FALSE(store->head("long"));
  EXPECT_EQ(filesUnder(root), (std::vector<std::string>{".layout"}));
}

TEST_F(LocalStore, OverwriteReplacesMetadata) {
  store->putStream("k", pattern(10), 10u, "text/plain");
  ObjectInfo second = store->putStream("k", pattern(20), 20u, "");
  auto head = store->head("k");
  EXPECT_EQ(head->etag, second.etag);
  EXPECT_EQ(head->contentType, "");
  EXPECT_EQ(head->size, 20u);
}

TEST_F(LocalStore, AMissingOrStaleSidecarIsRecomputed) {
  ObjectInfo info = store->putStream("k", pattern(1000), 1000u, "text/plain");
  fs::remove(root / ".meta" / "bucket" / "k~o");
  EXPECT_EQ(store->head("k")->etag, info.etag);
  // A sidecar from another version of the object is not trusted.
  std::ofstream(root / ".meta" / "bucket" / "k~o")
      << "assetd-object-meta 1\n1:1000:1.0\n\"bogus\"\nx/y\n";
  EXPECT_EQ(store->head("k")->etag, info.etag);
}

TEST_F(LocalStore, RangedReads) {
  store->put("k", "0123456789");
  std::string out;
  auto collect = [&](const char* data, std::size_t n) { out.append(data, n); };
  EXPECT_TRUE(store->read("k", 2, 3, collect));
  EXPECT_EQ(out, "234");
  out.clear();
  EXPECT_TRUE(store->read("k", 8, 100, collect));
  EXPECT_EQ(out, "89");
  out.clear();
  EXPECT_TRUE(store->read("k", 20, 5, collect));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(store->read("nope", 0, 1, collect));
}

TEST_F(LocalStore, RemoveIsIdempotentAndPrunesDirectories) {
  store->put("a/b/c", "x");
  EXPECT_TRUE(store->remove("a/b/c"));
  EXPECT_FALSE(store->remove("a/b/c"));
  EXPECT_FALSE(fs::exists(root / "bucket" / "a~d"));
  EXPECT_FALSE(fs::exists(root / ".meta" / "bucket" / "a~d"));
  EXPECT_TRUE(fs::is_empty(root / "bucket"));
  EXPECT_TRUE(fs::exists(root / "bucket"));
}

TEST_F(LocalStore, AnyKeyLivesBesideAnyOther) {
  std::vector<std::string> keys = {"a",
                                   "a/",
                                   "a/b",
                                   "a/b/c",
                                   "a//b",
                                   "/",
                                   "/a",
                                   "./..",
                                   "..",
                                   ".",
                                   "a/./b",
                                   "a/../b",
                                   "a b+%?#",
                                   "unicode é/ü",
                                   std::string(300, 's'),
                                   std::string(300, 's') + "/x",
                                   std::string(1024, 'k'),
                                   std::string(1023, '/') + "z",
                                   std::string(1024, '/')};
  for (const std::string& key : keys) store->put(key, "body of " + key);
  for (const std::string& key : keys) EXPECT_EQ(store->get(key), "body of " + key) << key;
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(listKeys("", "", ""), sorted);
  // Removing "a" leaves the keys below it, and "a/" leaves "a/b".
  EXPECT_TRUE(store->remove("a"));
  EXPECT_TRUE(store->remove("a/"));
  EXPECT_FALSE(store->head("a"));
  EXPECT_EQ(store->get("a/b"), "body of a/b");
  EXPECT_EQ(store->get("a/b/c"), "body of a/b/c");
  EXPECT_TRUE(filesUnder(root / ".tmp").empty());
  // The names on disk: a suffix on every component, long segments cut into chunks.
  EXPECT_TRUE(fs::is_regular_file(root / "bucket" / "a~d" / "~d" / "b~o"));
  EXPECT_TRUE(fs::is_regular_file(root / "bucket" / ".~d" / "..~o"));
  EXPECT_TRUE(fs::is_regular_file(root / "bucket" / (std::string(250, 's') + "~c") /
                                  (std::string(50, 's') + "~o")));
}

TEST_F(LocalStore, RefusesOnlyKeysS3CannotCarry) {
  for (std::string key :
       {std::string(""), std::string("a\nb"), std::string("a\0b", 3), std::string("a\x7f"),
        std::string(1025, 'k'), std::string("\xff"), std::string("a\xc3"), std::string("\xc0\xaf"),
        std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80")}) {
    EXPECT_THROW(store->put(key, "x"), assetd::s3::S3Error) << key;
    EXPECT_THROW(store->head(key), assetd::s3::S3Error) << key;
  }
  EXPECT_NO_THROW(store->put("\xf0\x9f\x98\x80 \xe2\x82\xac \xc3\xa9", "x"));
  EXPECT_NO_THROW(store->put(std::string(1024, 'k'), "x"));
}

TEST_F(LocalStore, ListsInKeyOrder) {
  for (const char* key : {"b", "a/b", "a-c", "a/a/z", "a0", "c/d"}) store->put(key, key);
  // '-' (0x2d) < '/' (0x2f) < '0' (0x30): the byte order of whole keys, not of directories.
  EXPECT_EQ(listKeys("", "", ""),
            (std::vector<std::string>{"a-c", "a/a/z", "a/b", "a0", "b", "c/d"}));
  EXPECT_EQ(listKeys("a/", "", ""), (std::vector<std::string>{"a/a/z", "a/b"}));
  EXPECT_EQ(listKeys("", "", "a/a/z"), (std::vector<std::string>{"a/b", "a0", "b", "c/d"}));
  EXPECT_EQ(listKeys("", "", "", 2), (std::vector<std::string>{"a-c", "a/a/z"}));
  EXPECT_EQ(listKeys("a", "", ""), (std::vector<std::string>{"a-c", "a/a/z", "a/b", "a0"}));
}

TEST_F(LocalStore, RollsUpCommonPrefixes) {
  for (const char* key : {"b", "a/b", "a/a/z", "a/a/y", "c/d", "top"}) store->put(key, key);
  EXPECT_EQ(listKeys("", "/", ""), (std::vector<std::string>{"a/", "b", "c/", "top"}));
  EXPECT_EQ(listKeys("a/", "/", ""), (std::vector<std::string>{"a/a/", "a/b"}));
  // Resuming after a rolled-up prefix skips everything under it.
  EXPECT_EQ(listKeys("", "/", "a/"), (std::vector<std::string>{"b", "c/", "top"}));
}

TEST_F(LocalStore, MultipartUploadConcatenatesParts) {
  std::string id = store->createUpload("big/file", "video/mp4");
  std::uint64_t partSize = LocalBlobStore::kMinPartSize;
  std::string e1 = store->uploadPart(id, "big/file", 1, pattern(partSize), partSize);
  std::string e2 = store->uploadPart(id, "big/file", 2, pattern(1000), 1000u);
  // A part uploaded again replaces the earlier one.
  std::string e2b = store->uploadPart(id, "big/file", 2, pattern(999), 999u);
  EXPECT_NE(e2, e2b);
  ObjectInfo info = store->completeUpload(id, "big/file", {{1, e1}, {2, e2b}}).info;
  std::string expectedDigests =
      assetd::s3::md5(patternText(partSize)) + assetd::s3::md5(patternText(999));
  EXPECT_EQ(info.etag, "\"" + sign::crypto::hex(assetd::s3::md5(expectedDigests)) + "-2\"");
  EXPECT_EQ(info.size, partSize + 999);
  auto head = store->head("big/file");
  EXPECT_EQ(head->etag, info.etag);
  EXPECT_EQ(head->contentType, "video/mp4");
  EXPECT_EQ(store->get("big/file"), patternText(partSize) + patternText(999));
  // The parts are gone; only the record a repeated Complete answers from is left.
  EXPECT_EQ(filesUnder(root / ".uploads"),
            (std::vector<std::string>{".uploads/" + id + "/completed"}));
  EXPECT_TRUE(filesUnder(root / ".tmp").empty());
}

using assetd::s3::testing::codeOf;

TEST_F(LocalStore, MultipartErrorsUseS3Codes) {
  std::string id = store->createUpload("k", "");
  std::string small = store->uploadPart(id, "k", 1, pattern(10), 10u);
  std::string last = store->uploadPart(id, "k", 2, pattern(10), 10u);
  EXPECT_EQ(codeOf([&] {
              store->completeUpload(id, "k", {{1, small}, {2, last}});
            }),
            "EntityTooSmall");
  EXPECT_EQ(codeOf([&] {
              store->completeUpload(id, "k", {{2, last}, {1, small}});
            }),
            "InvalidPartOrder");
  EXPECT_EQ(codeOf([&] { store->completeUpload(id, "k", {{3, last}}); }), "InvalidPart");
  EXPECT_EQ(codeOf([&] { store->completeUpload(id, "k", {{2, "\"0000\""}}); }), "InvalidPart");
  EXPECT_EQ(codeOf([&] { store->completeUpload(id, "other", {{2, last}}); }), "NoSuchUpload");
  EXPECT_EQ(codeOf([&] { store->uploadPart(id, "k", 0, pattern(1), 1u); }), "InvalidArgument");
  EXPECT_EQ(codeOf([&] { store->uploadPart(id, "k", 10001, pattern(1), 1u); }), "InvalidArgument");
  EXPECT_EQ(codeOf([&] { store->uploadPart("../../x", "k", 1, pattern(1), 1u); }), "NoSuchUpload");
  // A single small part is fine: only parts before the last have a minimum.
  ObjectInfo done = store->completeUpload(id, "k", {{2, last}}).info;
  EXPECT_EQ(done.size, 10u);
  // Once completed, the upload takes no parts and is no longer listed.
  EXPECT_EQ(codeOf([&] { store->uploadPart(id, "k", 3, pattern(1), 1u); }), "NoSuchUpload");
  EXPECT_EQ(codeOf([&] { store->listParts(id, "k"); }), "NoSuchUpload");
  EXPECT_TRUE(store->listUploads("").empty());
}

TEST_F(LocalStore, RepeatedCompleteAnswersTheSameWithoutTouchingTheObject) {
  std::string id = store->createUpload("k", "");
  std::string e1 = store->uploadPart(id, "k", 1, pattern(10), 10u);
  ObjectInfo first = store->completeUpload(id, "k", {{1, e1}}).info;
  store->put("k", "replaced since");
  ObjectInfo again = store->completeUpload(id, "k", {{1, e1}}).info;
  EXPECT_EQ(again.etag, first.etag);
  EXPECT_EQ(store->get("k"), "replaced since");
  EXPECT_EQ(codeOf([&] { store->completeUpload(id, "other", {{1, e1}}); }), "NoSuchUpload");
  // The record goes with the next sweep that finds it idle.
  EXPECT_EQ(store->expireUploads(fs::file_time_type::clock::now() + std::chrono::hours(1)), 1u);
  EXPECT_EQ(codeOf([&] { store->completeUpload(id, "k", {{1, e1}}); }), "NoSuchUpload");
}

// A part's checksum, as the endpoint hands it over once the body is checked.
LocalBlobStore::PartChecksum partChecksum(std::string algorithm, std::string value) {
  return [=] { return std::optional(assetd::s3::ObjectChecksum{algorithm, value}); };
}

TEST_F(LocalStore, CompositeChecksumOfAnUploadCreatedWithAnAlgorithm) {
  assetd::s3::StoredHeaders info = {{"x-amz-meta-a", "1"}};
  assetd::s3::recordUploadChecksum(info, {"crc32", assetd::s3::ChecksumType::Composite});
  std::string id = store->createUpload("c", "", info);
  ASSERT_TRUE(store->uploadChecksum(id, "c"));
  std::uint64_t size = LocalBlobStore::kMinPartSize;
  // The endpoint checks the bodies; the store keeps what it is given.
  std::string e1 =
      store->uploadPart(id, "c", 1, pattern(size), size, {}, partChecksum("crc32", "iLB14g=="));
  std::string e2 =
      store->uploadPart(id, "c", 2, pattern(10), 10u, {}, partChecksum("crc32", "L4EkxA=="));
  auto parts = store->listParts(id, "c");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].checksum->value, "L4EkxA==");
  // Without the parts' checksums, with a wrong one or one of another algorithm: refused.
  EXPECT_EQ(codeOf([&] { store->completeUpload(id, "c", {{1, e1}, {2, e2}}); }), "InvalidRequest");
  EXPECT_EQ(codeOf([&] {
              store->completeUpload(
                  id, "c", {{1, e1, {{"crc32", "iLB14g=="}}}, {2, e2, {{"crc32", "AAAAAA=="}}}});
            }),
            "InvalidPart");
  EXPECT_EQ(codeOf([&] {
              store->completeUpload(
                  id, "c", {{1, e1, {{"crc32", "iLB14g=="}}}, {2, e2, {{"sha1", "L4EkxA=="}}}});
            }),
            "InvalidPart");
  auto done = store->completeUpload(
      id, "c", {{1, e1, {{"crc32", "iLB14g=="}}}, {2, e2, {{"crc32", "L4EkxA=="}}}});
  ASSERT_TRUE(done.checksum);
  // CRC-32 of the two part CRCs' bytes (88 b0 75 e2 2f 81 24 c4), by Python's zlib.
  EXPECT_EQ(done.checksum->value, "uTUvuw==-2");
  auto object = store->open("c");
  EXPECT_EQ(assetd::s3::recordedChecksum(object->headers)->value, "uTUvuw==-2");
  EXPECT_EQ(assetd::s3::recordedPartSizes(object->headers), (std::vector<std::uint64_t>{size, 10}));
  EXPECT_EQ(assetd::s3::answeredHeaders(object->headers),
            (assetd::s3::StoredHeaders{{"x-amz-meta-a", "1"}}));
  EXPECT_EQ(store->completeUpload(id, "c", {}).checksum->value, "uTUvuw==-2");
}

TEST_F(LocalStore, FullObjectChecksumIsCheckedAgainstTheClaim) {
  assetd::s3::StoredHeaders info;
  assetd::s3::recordUploadChecksum(info, {"crc32", assetd::s3::ChecksumType::FullObject});
  std::string id = store->createUpload("f", "", info);
  std::string text = "The quick brown fox jumps over the lazy dog";
  std::size_t offset = 0;
  auto reader = [&](char* buffer, std::size_t n) {
    std::size_t take = std::min(n, text.size() - offset);
    std::copy_n(text.data() + offset, take, buffer);
    offset += take;
    return take;
  };
  std::string e1 =
      store->uploadPart(id, "f", 1, reader, text.size(), {}, partChecksum("crc32", "QU+jOQ=="));
  EXPECT_EQ(
      codeOf([&] {
        store->completeUpload(id, "f", {{1, e1}}, assetd::s3::ObjectChecksum{"crc32", "AAAAAA=="});
      }),
      "BadDigest");
  EXPECT_FALSE(store->head("f"));
  // Part checksums are optional in a FULL_OBJECT Complete.
  auto done =
      store->completeUpload(id, "f", {{1, e1}}, assetd::s3::ObjectChecksum{"crc32", "QU+jOQ=="});
  EXPECT_EQ(done.checksum->value, "QU+jOQ==");
  EXPECT_EQ(done.checksum->type, assetd::s3::ChecksumType::FullObject);
}

TEST_F(LocalStore, AbortRemovesTheParts) {
  std::string id = store->createUpload("k", "");
  store->uploadPart(id, "k", 1, pattern(10), 10u);
  EXPECT_TRUE(store->abortUpload(id, "k"));
  EXPECT_FALSE(store->abortUpload(id, "k"));
  EXPECT_TRUE(filesUnder(root / ".uploads").empty());
  EXPECT_FALSE(store->head("k"));
}

TEST_F(LocalStore, ANewStoreHasNothingToMigrate) {
  EXPECT_FALSE(store->migratedObjects());
  EXPECT_TRUE(fs::is_regular_file(root / layout::kLayoutFile));
  store->put("k", "v");
  LocalBlobStore reopened(root.string(), "bucket", "http://h:1");
  EXPECT_FALSE(reopened.migratedObjects());
  EXPECT_EQ(reopened.get("k"), "v");
}

TEST_F(LocalStore, LeftoverTempFilesAreRemovedOnOpen) {
  std::ofstream(root / ".tmp" / "upload-crashed") << "partial";
  LocalBlobStore reopened(root.string(), "bucket", "http://h:1");
  EXPECT_TRUE(filesUnder(root / ".tmp").empty());
}

TEST_F(LocalStore, KeptHeadersLiveInTheSidecar) {
  assetd::s3::StoredHeaders headers = {{"x-amz-meta-owner", "Ada Lovelace"},
                                       {"cache-control", "no-cache"}};
  store->putStream("k", pattern(10), 10u, "text/plain", {}, headers);
  auto object = store->open("k");
  ASSERT_TRUE(object);
  EXPECT_EQ(object->headers, headers);
  EXPECT_EQ(object->info.contentType, "text/plain");
  // An overwrite without headers drops them.
  store->putStream("k", pattern(10), 10u, "");
  EXPECT_TRUE(store->open("k")->headers.empty());
}

TEST_F(LocalStore, ConditionalWritesAreCheckedBeforeTheBodyAndAtTheCommit) {
  using assetd::s3::WriteConditions;
  WriteConditions create;
  create.ifNoneMatch = true;
  ObjectInfo first = store->putStream("k", pattern(10), 10u, "", {}, {}, create);
  // Refused before a byte is read.
  bool read = false;
  ReadFn untouched = [&](char*, std::size_t) -> std::size_t {
    read = true;
    return 0;
  };
  EXPECT_EQ(codeOf([&] { store->putStream("k", untouched, 0u, "", {}, {}, create); }),
            "PreconditionFailed");
  EXPECT_FALSE(read);
  WriteConditions replace;
  replace.ifMatch = first.etag;
  EXPECT_EQ(codeOf([&] { store->putStream("gone", pattern(10), 10u, "", {}, {}, replace); }),
            "NoSuchKey");
  ObjectInfo second = store->putStream("k", pattern(20), 20u, "", {}, {}, replace);
  EXPECT_EQ(codeOf([&] { store->putStream("k", pattern(30), 30u, "", {}, {}, replace); }),
            "PreconditionFailed");
  EXPECT_EQ(store->head("k")->etag, second.etag);

  // Another write to the key while the body streams: the check at the commit refuses, and the
  // other write's object stays.
  ReadFn racing = [&, rival = false, body = pattern(10)](char* out, std::size_t n) mutable {
    if (!rival) {
      rival = true;
      store->put("new", "rival");
    }
    return body(out, n);
  };
  EXPECT_EQ(codeOf([&] { store->putStream("new", racing, 10u, "", {}, {}, create); }),
            "ConditionalRequestConflict");
  EXPECT_EQ(store->get("new"), "rival");
  EXPECT_TRUE(filesUnder(root / ".tmp").empty());
}

TEST_F(LocalStore, ConditionalCompleteAndRemove) {
  using assetd::s3::WriteConditions;
  ObjectInfo existing = store->putStream("k", pattern(10), 10u, "");
  std::string id = store->createUpload("k", "");
  std::string e1 = store->uploadPart(id, "k", 1, pattern(100), 100u);
  WriteConditions create;
  create.ifNoneMatch = true;
  EXPECT_EQ(codeOf([&] {
              store->completeUpload(id, "k", {{1, e1}}, std::nullopt, create);
            }),
            "PreconditionFailed");
  EXPECT_EQ(store->head("k")->etag, existing.etag);
  WriteConditions replace;
  replace.ifMatch = existing.etag;
  ObjectInfo done =
      store->completeUpload(id, "k", {{1, e1}}, std::nullopt, replace).info;  // the upload stayed
  EXPECT_EQ(store->head("k")->etag, done.etag);

  EXPECT_EQ(codeOf([&] { store->remove("k", replace); }), "PreconditionFailed");
  EXPECT_TRUE(store->head("k"));
  replace.ifMatch = done.etag;
  EXPECT_TRUE(store->remove("k", replace));
  EXPECT_EQ(codeOf([&] { store->remove("k", replace); }), "NoSuchKey");
  EXPECT_FALSE(store->remove("k", {}));
}

TEST_F(LocalStore, SidecarsWithoutHeadersStillRead) {
  store->putStream("k", pattern(10), 10u, "text/plain");
  std::string identity = files::ReadOnlyFile::open(root / "bucket" / "k~o")->identity();
  // The format before headers were kept: four lines; trusted since it names this version.
  std::ofstream(root / ".meta" / "bucket" / "k~o") << "assetd-object-meta 1\n"
                                                   << identity << "\n\"from-sidecar\"\nimage/gif\n";
  auto object = store->open("k");
  EXPECT_EQ(object->info.etag, "\"from-sidecar\"");
  EXPECT_EQ(object->info.contentType, "image/gif");
  EXPECT_TRUE(object->headers.empty());
  // A damaged header line makes the whole sidecar untrusted: the ETag is recomputed.
  std::ofstream(root / ".meta" / "bucket" / "k~o", std::ios::app) << "garbage\n";
  object = store->open("k");
  EXPECT_EQ(object->info.etag, quotedHexEtag(assetd::s3::md5(patternText(10))));
  EXPECT_EQ(object->info.contentType, "");
}

TEST_F(LocalStore, MultipartUploadKeepsHeadersUntilComplete) {
  assetd::s3::StoredHeaders headers = {{"x-amz-meta-batch", "7"},
                                       {"content-disposition", "inline"}};
  std::string id = store->createUpload("big", "video/mp4", headers);
  std::string e1 = store->uploadPart(id, "big", 1, pattern(100), 100u);
  store->completeUpload(id, "big", {{1, e1}});
  auto object = store->open("big");
  EXPECT_EQ(assetd::s3::answeredHeaders(object->headers), headers);
  EXPECT_EQ(assetd::s3::recordedPartSizes(object->headers), (std::vector<std::uint64_t>{100}));
  EXPECT_EQ(object->info.contentType, "video/mp4");
}

// What list() must answer, computed the plain way from all keys.
std::vector<std::string> referenceList(const std::set<std::string>& keys, const std::string& prefix,
                                       const std::string& delimiter, const std::string& after) {
  std::vector<std::string> out;
  for (const std::string& key : keys) {
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    std::size_t at = delimiter.empty() ? std::string::npos : key.find(delimiter, prefix.size());
    if (at != std::string::npos) {
      std::string common = key.substr(0, at + delimiter.size());
      if (common > after && (out.empty() || out.back() != common)) out.push_back(common);
      continue;
    }
    if (key > after) out.push_back(key);
  }
  return out;
}

TEST_F(LocalStore, ListingMatchesSortedKeysForTrickyKeys) {
  std::mt19937 random(20261203);
  const std::vector<std::string> pieces = {"a",
                                           "b",
                                           "/",
                                           "/",
                                           ".",
                                           "..",
                                           "-",
                                           "0",
                                           "~",
                                           "~o",
                                           "~d",
                                           "~c",
                                           "é",
                                           " ",
                                           std::string(249, 'x'),
                                           std::string(250, 'x'),
                                           std::string(253, 'x')};
  std::set<std::string> keys = {"a", "a/", "a/b", "a/b/c", "a//b", "a.b", "a/x", "a0", "/"};
  while (keys.size() < 200) {
    std::string key;
    for (int n = 1 + static_cast<int>(random() % 6); n > 0; --n)
      key += pieces[random() % pieces.size()];
    if (key.size() <= 1024) keys.insert(key);
  }
  for (const std::string& key : keys) store->put(key, key);
  std::vector<std::string> probes = {"", "a", "a/", "a/b", "b", "/", "x", std::string(250, 'x')};
  for (int i = 0; i < 12; ++i) {
    auto it = keys.begin();
    std::advance(it, random() % keys.size());
    probes.push_back(*it);
    probes.push_back(it->substr(0, random() % (it->size() + 1)));
  }
  for (const std::string& prefix : probes)
    for (const std::string& delimiter : {std::string(), std::string("/"), std::string("a")})
      for (const std::string& after : {std::string(), std::string("a/"), probes[random() % 20]})
        EXPECT_EQ(listKeys(prefix, delimiter, after), referenceList(keys, prefix, delimiter, after))
            << "prefix " << prefix << " delimiter " << delimiter << " after " << after;
  // Paging by the last key answered walks the whole bucket once, in order.
  std::vector<std::string> paged;
  for (std::string after;;) {
    std::vector<std::string> page = listKeys("", "", after, 7);
    if (page.empty()) break;
    paged.insert(paged.end(), page.begin(), page.end());
    after = page.back();
  }
  EXPECT_EQ(paged, std::vector<std::string>(keys.begin(), keys.end()));
}

// A store as the release before layout 2 wrote it: each key a path, its sidecar beside.
class OldLayout : public LocalStore {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("assetd-old-layout-" + core::randomHex(6));
    fs::create_directories(root / ".tmp");
    fs::create_directories(root / ".uploads");
  }
  void putOld(const std::string& key, const std::string& body, const std::string& type,
              const std::string& headerLines = "") {
    fs::path object = root / "bucket" / key;
    fs::create_directories(object.parent_path());
    std::ofstream(object, std::ios::binary) << body;
    std::string identity = files::ReadOnlyFile::open(object)->identity();
    fs::path meta = root / ".meta" / "bucket" / key;
    fs::create_directories(meta.parent_path());
    std::ofstream(meta) << "assetd-object-meta 1\n"
                        << identity << "\n"
                        << quotedHexEtag(assetd::s3::md5(body)) << "\n"
                        << type << "\n"
                        << headerLines;
  }
  void open() { store = std::make_unique<LocalBlobStore>(root.string(), "bucket", "http://h:1/"); }
  void expectMigrated() {
    for (const auto& [key, type] : std::vector<std::pair<std::string, std::string>>{
             {"a/b/c.txt", "text/plain"}, {"top", "image/png"}, {"a/d", ""}}) {
      auto object = store->open(key);
      ASSERT_TRUE(object) << key;
      // The sidecar still names the object (a rename keeps the inode): nothing recomputed.
      EXPECT_EQ(object->info.etag, quotedHexEtag(assetd::s3::md5("body of " + key))) << key;
      EXPECT_EQ(object->info.contentType, type) << key;
    }
    EXPECT_EQ(store->open("a/b/c.txt")->headers,
              (assetd::s3::StoredHeaders{{"x-amz-meta-owner", "ada"}}));
    EXPECT_EQ(listKeys("", "", ""), (std::vector<std::string>{"a/b/c.txt", "a/d", "top"}));
    EXPECT_TRUE(fs::is_regular_file(root / layout::kLayoutFile));
    EXPECT_FALSE(fs::exists(root / ".migrating"));
    EXPECT_FALSE(fs::exists(root / "bucket" / "a" / "b"));
    // Keys the old layout could not hold now fit beside the migrated ones.
    store->put("top/", "marker");
    EXPECT_EQ(store->get("top"), "body of top");
  }
  void putAll() {
    putOld("a/b/c.txt", "body of a/b/c.txt", "text/plain", "x-amz-meta-owner:ada\n");
    putOld("top", "body of top", "image/png");
    putOld("a/d", "body of a/d", "");
  }
};

TEST_F(OldLayout, IsMigratedAtStartAndOnlyOnce) {
  putAll();
  // An upload in progress records its key, not a path: it survives as it is.
  fs::create_directories(root / ".uploads" / std::string(32, 'a'));
  std::ofstream(root / ".uploads" / std::string(32, 'a') / "info") << "a/b/up\nvideo/mp4\n";
  std::string part = std::string(100, 'p');
  std::string hex = sign::crypto::hex(assetd::s3::md5(part));
  std::ofstream(root / ".uploads" / std::string(32, 'a') / ("part-00001-" + hex)) << part;
  // A reader refuses the old layout rather than misread it.
  EXPECT_THROW(LocalBlobStore(root.string(), "bucket", "", LocalBlobStore::Access::Reader),
               core::ApiError);
  open();
  EXPECT_EQ(store->migratedObjects(), std::optional<std::size_t>(3));
  expectMigrated();
  store->completeUpload(std::string(32, 'a'), "a/b/up", {{1, "\"" + hex + "\""}});
  EXPECT_EQ(store->get("a/b/up"), part);
  EXPECT_EQ(store->head("a/b/up")->contentType, "video/mp4");
  open();
  EXPECT_FALSE(store->migratedObjects());
  EXPECT_EQ(store->get("top/"), "marker");
  EXPECT_NO_THROW(LocalBlobStore(root.string(), "bucket", "", LocalBlobStore::Access::Reader));
}

TEST_F(OldLayout, ResumesAfterACrashWhileMovingFiles) {
  putAll();
  // Moved so far: the object "top" (not its sidecar) and the sidecar of "a/d" (not its object).
  fs::path work = root / ".migrating";
  fs::create_directories(work / "objects" / "bucket");
  fs::create_directories(work / "meta" / "bucket");
  fs::rename(root / "bucket" / "top", work / "objects" / "bucket" / layout::encodeKey("top"));
  fs::create_directories((work / "meta" / "bucket" / layout::encodeKey("a/d")).parent_path());
  fs::rename(root / ".meta" / "bucket" / "a" / "d",
             work / "meta" / "bucket" / layout::encodeKey("a/d"));
  open();
  EXPECT_EQ(store->migratedObjects(), std::optional<std::size_t>(2));
  expectMigrated();
}

TEST_F(OldLayout, ResumesAfterACrashWhileSwappingTrees) {
  putAll();
  // Every file moved and "swap" written; the objects' tree is already in place, the sidecars'
  // not yet: the old sidecar tree is left with its empty directories.
  fs::path work = root / ".migrating";
  for (std::string key : {"a/b/c.txt", "top", "a/d"}) {
    for (const auto& [from, to] :
         {std::pair{root / "bucket", root / "new-objects"},
          std::pair{root / ".meta" / "bucket", work / "meta" / "bucket"}}) {
      fs::create_directories((to / layout::encodeKey(key)).parent_path());
      fs::rename(from / key, to / layout::encodeKey(key));
    }
  }
  std::ofstream(work / "swap");
  fs::remove_all(root / "bucket");
  fs::rename(root / "new-objects", root / "bucket");
  open();
  EXPECT_EQ(store->migratedObjects(), std::optional<std::size_t>(0));
  expectMigrated();
}

}  // namespace
}  // namespace assetd::blob
