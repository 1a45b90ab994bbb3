// Listing and expiry of the local store's multipart uploads: parts by number with their ETags
// and sizes, uploads by key, and removal of uploads idle past a cutoff (creation or newest part).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "blob/local_blob_store.hpp"
#include "core/ids.hpp"
#include "objects/upload_expiry.hpp"
#include "s3/s3_error.hpp"

namespace assetd::objects {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class MultipartListing : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("assetd-multipart-" + core::randomHex(6));
    store = std::make_unique<blob::LocalBlobStore>(root.string(), "bucket", "http://h:1/");
  }
  void TearDown() override { fs::remove_all(root); }

  std::string part(const std::string& id, const std::string& key, int number,
                   const std::string& body) {
    auto sent = std::make_shared<bool>(false);
    s3::ReadFn read = [body, sent](char* out, std::size_t n) -> std::size_t {
      if (*sent) return 0;
      *sent = true;
      std::size_t take = std::min(n, body.size());
      std::copy_n(body.data(), take, out);
      return take;
    };
    return store->uploadPart(id, key, number, read, body.size());
  }

  // Makes every file of an upload (and its directory) look last touched `age` ago.
  void age(const std::string& id, std::chrono::seconds age) {
    fs::path dir = root / ".uploads" / id;
    auto then = fs::file_time_type::clock::now() - age;
    for (auto& entry : fs::directory_iterator(dir)) fs::last_write_time(entry.path(), then);
    fs::last_write_time(dir, then);
  }

  bool exists(const std::string& id) { return fs::exists(root / ".uploads" / id); }

  fs::path root;
  std::unique_ptr<blob::LocalBlobStore> store;
};

TEST_F(MultipartListing, PartsAreListedByNumberWithEtagAndSize) {
  std::string id = store->createUpload("video", "video/mp4");
  std::string e3 = part(id, "video", 3, "three");
  std::string e1 = part(id, "video", 1, "one");
  part(id, "video", 10, "ten, first try");
  std::string e10 = part(id, "video", 10, "ten");  // replaces the first try
  auto parts = store->listParts(id, "video");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].number, 1);
  EXPECT_EQ(parts[0].etag, e1);
  EXPECT_EQ(parts[0].size, 3u);
  EXPECT_EQ(parts[1].number, 3);
  EXPECT_EQ(parts[1].etag, e3);
  EXPECT_EQ(parts[2].number, 10);
  EXPECT_EQ(parts[2].etag, e10);
  EXPECT_EQ(parts[2].size, 3u);
  EXPECT_GT(parts[0].lastModifiedMillis, 0);
}

TEST_F(MultipartListing, PartsOfAnUnknownUploadOrAnotherKeyAreNoSuchUpload) {
  std::string id = store->createUpload("a", "");
  EXPECT_TRUE(store->listParts(id, "a").empty());
  for (auto [uploadId, key] : {std::pair<std::string, std::string>{id, "b"},
                               {std::string(32, '0'), "a"},
                               {"../../etc", "a"}}) {
    try {
      store->listParts(uploadId, key);
      ADD_FAILURE() << uploadId << " " << key;
    } catch (const s3::S3Error& e) {
      EXPECT_EQ(e.code(), "NoSuchUpload");
      EXPECT_EQ(e.status(), 404);
    }
  }
}

TEST_F(MultipartListing, UploadsAreListedByKeyThenIdAndFilteredByPrefix) {
  std::string b1 = store->createUpload("dir/b", "");
  std::string a = store->createUpload("dir/a", "");
  std::string b2 = store->createUpload("dir/b", "");
  std::string other = store->createUpload("other", "");
  auto all = store->listUploads("");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].key, "dir/a");
  EXPECT_EQ(all[0].uploadId, a);
  EXPECT_EQ(all[1].key, "dir/b");
  EXPECT_EQ(all[2].key, "dir/b");
  EXPECT_EQ(std::min(b1, b2), all[1].uploadId);
  EXPECT_EQ(std::max(b1, b2), all[2].uploadId);
  EXPECT_EQ(all[3].uploadId, other);
  EXPECT_GT(all[0].initiatedMillis, 0);
  EXPECT_EQ(store->listUploads("dir/").size(), 3u);
  EXPECT_TRUE(store->listUploads("nothing").empty());
  // Completed and aborted uploads are gone from the list.
  store->abortUpload(a, "dir/a");
  EXPECT_EQ(store->listUploads("dir/").size(), 2u);
}

TEST_F(MultipartListing, IdleUploadsExpireAndActiveOnesStay) {
  std::string idle = store->createUpload("idle", "");
  part(idle, "idle", 1, "old part");
  std::string recentPart = store->createUpload("recent-part", "");
  std::string fresh = store->createUpload("fresh", "");
  age(idle, 3h);
  age(recentPart, 3h);
  part(recentPart, "recent-part", 2, "new part");  // a new part is activity

  auto now = fs::file_time_type::clock::now();
  EXPECT_EQ(store->expireUploads(now - 2h), 1u);
  EXPECT_FALSE(exists(idle));
  EXPECT_TRUE(exists(recentPart));
  EXPECT_TRUE(exists(fresh));
  EXPECT_EQ(store->listParts(recentPart, "recent-part").size(), 1u);
  try {
    part(idle, "idle", 2, "too late");
    ADD_FAILURE() << "a part of an expired upload was accepted";
  } catch (const s3::S3Error& e) {
    EXPECT_EQ(e.code(), "NoSuchUpload");
  }
  // Objects are never touched by the sweep.
  store->put("idle", "an object");
  EXPECT_EQ(store->expireUploads(fs::file_time_type::clock::now() + 1h), 2u);
  EXPECT_TRUE(store->listUploads("").empty());
  EXPECT_EQ(store->get("idle"), "an object");
}

TEST_F(MultipartListing, TheExpiryThreadSweepsAtStart) {
  std::string old = store->createUpload("old", "");
  std::string young = store->createUpload("young", "");
  age(old, 2h);
  std::size_t reported = 0;
  {
    UploadExpiry::Reports reports;
    reports.swept = [&](std::size_t removed) { reported += removed; };
    UploadExpiry expiry(*store, std::chrono::hours(1), std::chrono::hours(1), std::move(reports));
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (expiry.sweeps() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
    EXPECT_EQ(expiry.sweeps(), 1u);  // the next one is an hour away
  }                                  // stops without waiting for that hour
  EXPECT_EQ(reported, 1u);
  EXPECT_FALSE(exists(old));
  EXPECT_TRUE(exists(young));
}

}  // namespace
}  // namespace assetd::objects
