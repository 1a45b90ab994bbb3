// putAll / removeAll: every object or none, at most `concurrency` puts in flight.
#include "blob/put_many.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>

namespace assetd::blob {
namespace {

// An in-memory store that counts the puts in flight, can hold each put until `holdUntil` puts
// are in flight at once, and can fail the put of one key.
class RecordingStore final : public BlobStore {
 public:
  std::string failKey;
  std::size_t holdUntil = 0;

  const std::string& bucket() const override { return bucket_; }
  ObjectInfo putStream(const std::string&, const ReadFn&, std::optional<std::uint64_t>,
                       const std::string&) override {
    throw std::logic_error("not used");
  }
  std::optional<ObjectInfo> head(const std::string&) override { return std::nullopt; }
  bool read(const std::string&, std::uint64_t, std::uint64_t, const WriteFn&) override {
    return false;
  }
  void put(const std::string& key, std::string_view bytes) override {
    std::unique_lock lock(mutex_);
    ++inFlight_;
    maxInFlight_ = std::max(maxInFlight_, inFlight_);
    changed_.notify_all();
    // Bounded wait: if the puts never overlap, the test fails on maxInFlight, not by hanging.
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return maxInFlight_ >= holdUntil; });
    --inFlight_;
    if (key == failKey) throw std::runtime_error("refused " + key);
    objects_[key] = std::string(bytes);
  }
  std::optional<std::string> get(const std::string& key) override {
    std::lock_guard lock(mutex_);
    auto found = objects_.find(key);
    if (found == objects_.end()) return std::nullopt;
    return found->second;
  }
  bool remove(const std::string& key) override {
    std::lock_guard lock(mutex_);
    return objects_.erase(key) > 0;
  }
  std::string urlFor(const std::string& key) const override { return "mem://" + key; }

  std::size_t size() {
    std::lock_guard lock(mutex_);
    return objects_.size();
  }
  std::size_t maxInFlight() {
    std::lock_guard lock(mutex_);
    return maxInFlight_;
  }

 private:
  std::string bucket_ = "b";
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t inFlight_ = 0, maxInFlight_ = 0;
  std::map<std::string, std::string> objects_;
};

std::vector<PutItem> items(std::size_t n, const std::string& body) {
  std::vector<PutItem> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back({"k/" + std::to_string(i), body});
  return out;
}

TEST(PutAll, WritesEveryObjectWithUpToConcurrencyInFlight) {
  RecordingStore store;
  store.holdUntil = 4;  // each put waits until four run at once
  const std::string body = "[]";
  putAll(store, items(100, body), 4);
  EXPECT_EQ(store.size(), 100u);
  EXPECT_EQ(store.maxInFlight(), 4u);
  EXPECT_EQ(store.get("k/99"), "[]");
}

TEST(PutAll, OneAtATimeWhenConcurrencyIsOneOrZero) {
  for (std::size_t concurrency : {0u, 1u}) {
    RecordingStore store;
    const std::string body = "x";
    putAll(store, items(10, body), concurrency);
    EXPECT_EQ(store.size(), 10u);
    EXPECT_EQ(store.maxInFlight(), 1u);
  }
}

TEST(PutAll, AFailureRemovesWhatWasWrittenAndIsRethrown) {
  for (std::size_t concurrency : {1u, 8u}) {
    RecordingStore store;
    store.failKey = "k/37";
    const std::string body = "x";
    EXPECT_THROW(putAll(store, items(100, body), concurrency), std::runtime_error);
    EXPECT_EQ(store.size(), 0u) << concurrency;
  }
}

TEST(PutAll, NothingToWrite) {
  RecordingStore store;
  putAll(store, {}, 8);
  EXPECT_EQ(store.size(), 0u);
}

TEST(RemoveAll, RemovesEveryKeyAndIgnoresMissingOnes) {
  RecordingStore store;
  const std::string body = "x";
  putAll(store, items(20, body), 8);
  std::vector<std::string> keys = {"k/0", "k/19", "missing"};
  for (int i = 1; i < 19; ++i) keys.push_back("k/" + std::to_string(i));
  removeAll(store, keys, 8);
  EXPECT_EQ(store.size(), 0u);
}

}  // namespace
}  // namespace assetd::blob
