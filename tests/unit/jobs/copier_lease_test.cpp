// The copier keeps the leases of the copies it runs and abandons a copy whose lease another
// claim took: a real SQLite store and local blob store, and a source on 127.0.0.1 that sends
// half its body and then stalls until released, so a copy stays in flight as long as a test
// needs.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "blob/local_blob_store.hpp"
#include "jobs/copier.hpp"
#include "store/store.hpp"

namespace assetd::jobs {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kBodySize = 4096;

// Serves one connection at a time: the headers and half the body, then waits until released
// (sends the rest) or until the client closes the connection.
class StallingSource {
 public:
  StallingSource() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listener_, 8) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~StallingSource() {
    stopping_ = true;
    thread_.join();
    close(listener_);
  }
  StallingSource(const StallingSource&) = delete;
  StallingSource& operator=(const StallingSource&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/file.bin"; }
  int requests() const { return requests_; }
  int closedByClient() const { return closedByClient_; }
  void release() { released_ = true; }

 private:
  bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 20) > 0;
  }

  void serve() {
    while (!stopping_) {
      if (!readable(listener_)) continue;
      int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      answer(fd);
      close(fd);
    }
  }

  void answer(int fd) {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos && !stopping_) {
      if (!readable(fd)) continue;
      ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    ++requests_;
    const std::string body(kBodySize, 'x');
    std::string head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kBodySize) +
                       "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
    sendAll(fd, head + body.substr(0, kBodySize / 2));
    while (!stopping_) {
      if (released_) {
        sendAll(fd, body.substr(kBodySize / 2));
        return;
      }
      if (readable(fd) && recv(fd, buffer, sizeof(buffer), 0) <= 0) {
        ++closedByClient_;
        return;
      }
    }
  }

  static void sendAll(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> released_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> closedByClient_{0};
  std::thread thread_;
};

// Polls `condition` until it holds; false if it still does not after a generous minute.
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

class CopierLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/assetd-copier-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    store_ = store::openSqliteStore(dbPath());
    blobs_ = std::make_unique<blob::LocalBlobStore>((dir_ / "blobs").string(), "assetd",
                                                    "http://127.0.0.1:1");
    org_ = store_->createOrganization("acme").id;
    core::NewProject project;
    project.name = "p";
    project_ = store_->createProject(org_, project).id;
  }

  void TearDown() override {
    copier_.reset();
    blobs_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dbPath() const { return (dir_ / "assetd.db").string(); }

  std::string importUploadLocal(const std::string& url) {
    core::NewAsset asset;
    asset.externalId = "x";
    asset.data = url;
    asset.uploadLocal = true;
    core::ImportRequest request;
    request.createdBy = "tester";
    request.assets = {asset};
    return store_->importAssets(org_, project_, request).assetIds.at(0);
  }

  void startCopier(std::chrono::milliseconds lease) {
    CopierOptions options;
    options.workers = 1;
    options.lease = lease;
    options.idlePoll = 50ms;
    options.fetch.policy = AddressPolicy({Cidr::parse("127.0.0.1/32")});
    options.fetch.stallTimeout = 10min;  // a stalled source is only ever left on purpose
    copier_ = std::make_unique<Copier>(*store_, *blobs_, std::move(options));
    copier_->start();
  }

  // Runs one statement on a connection of its own, as another node would.
  void exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dbPath().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  std::string uploadStatus(const std::string& assetId) {
    auto asset = store_->getAsset(org_, assetId);
    return asset ? asset->uploadStatus : "missing";
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<blob::LocalBlobStore> blobs_;
  std::unique_ptr<Copier> copier_;
  std::string org_, project_;
};

TEST_F(CopierLeaseTest, RenewsTheLeaseOfARunningCopyUntilItFinishes) {
  StallingSource source;
  auto assetId = importUploadLocal(source.url());
  startCopier(1s);
  ASSERT_TRUE(eventually([&] { return source.requests() == 1; }));
  // The lease is the pending job's next attempt time: renewals push it on while the copy stalls.
  auto firstLeaseEnd = store_->nextCopyJobDue();
  ASSERT_TRUE(firstLeaseEnd.has_value());
  EXPECT_TRUE(eventually([&] { return store_->nextCopyJobDue() > firstLeaseEnd; }));
  EXPECT_EQ(uploadStatus(assetId), "pending");

  source.release();
  EXPECT_TRUE(eventually([&] { return uploadStatus(assetId) == "done"; }));
  EXPECT_EQ(source.requests(), 1);
  EXPECT_EQ(
      store_->getAsset(org_, assetId)->data,
      "http://127.0.0.1:1/assetd/assets/" + org_ + "/" + project_ + "/" + assetId + "/file.bin");
  EXPECT_EQ(blobs_->get("assets/" + org_ + "/" + project_ + "/" + assetId + "/file.bin"),
            std::string(kBodySize, 'x'));
}

TEST_F(CopierLeaseTest, AbandonsACopyWhoseLeaseAnotherClaimTook) {
  StallingSource source;
  auto assetId = importUploadLocal(source.url());
  startCopier(600ms);
  ASSERT_TRUE(eventually([&] { return source.requests() == 1; }));
  // Another node claimed the job (its lease far ahead): this copier's next renewal fails.
  exec(
      "UPDATE copy_jobs SET lease_token = 'another-node', attempts = attempts + 1,"
      " next_attempt_at = 9000000000000 WHERE asset_id = '" +
      assetId + "'");

  EXPECT_TRUE(eventually([&] { return source.closedByClient() == 1; }));
  source.release();
  copier_->stop();
  EXPECT_EQ(source.requests(), 1);
  EXPECT_EQ(uploadStatus(assetId), "pending");
  EXPECT_EQ(store_->nextCopyJobDue(), 9000000000000);  // the other claim's lease, untouched
  auto job = store_->claimCopyJobs(1, 0);
  EXPECT_TRUE(job.empty());  // still the other node's
}

}  // namespace
}  // namespace assetd::jobs
