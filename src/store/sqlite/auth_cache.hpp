#pragma once
// Answers of findApiKeyAndProject kept in memory, so that a presigned URL needs no database
// read. Only positive answers are kept: a live key (hash -> key) and a live project (id ->
// owning organization); a miss always goes to the database, so a key or project created later
// is seen at once. What can make a kept answer wrong (a key revoked, a project deleted) bumps
// a generation counter shared through a small file beside the database by every process that
// opens it (the server and the admin command line); an answer is used only while the counter
// still has the value it had before the answer was read from the database.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "store/store.hpp"

namespace assetd::store::sqlite {

// An 8-byte counter in a file mapped shared by every process that opens it.
class SharedGeneration {
 public:
  // The counter in `path` (created, zeroed, if missing); nullptr when it cannot be opened.
  static std::unique_ptr<SharedGeneration> open(const std::string& path, unsigned mode);
  ~SharedGeneration();
  SharedGeneration(const SharedGeneration&) = delete;
  SharedGeneration& operator=(const SharedGeneration&) = delete;

  std::uint64_t current() const;
  void bump();

 private:
  explicit SharedGeneration(std::uint64_t* word) : word_(word) {}
  std::uint64_t* word_;
};

class AuthCache {
 public:
  explicit AuthCache(std::unique_ptr<SharedGeneration> generation)
      : generation_(std::move(generation)) {}

  // Read before the database read whose answer is remembered under it.
  std::uint64_t generation() const { return generation_->current(); }
  // The remembered answer, when both the key and the project are known at `generation`.
  std::optional<Store::KeyAndProject> find(const std::string& keyHash, const std::string& projectId,
                                           std::uint64_t generation) const;
  // Keeps the positive parts of a database answer read after generation() returned
  // `generation`.
  void remember(const std::string& keyHash, const std::string& projectId,
                const Store::KeyAndProject& found, std::uint64_t generation);
  // Call after committing a change that can make a remembered answer wrong.
  void invalidate() { generation_->bump(); }

 private:
  // Past this many entries everything is dropped: the working set is re-read at once.
  static constexpr std::size_t kMaxEntries = 4096;

  std::unique_ptr<SharedGeneration> generation_;
  mutable std::mutex mutex_;
  // Every entry was read at entriesGeneration_; entries of an older generation are dropped.
  std::uint64_t entriesGeneration_ = 0;
  std::unordered_map<std::string, core::ApiKeyInfo> keys_;
  std::unordered_map<std::string, std::string> projectOrganizations_;
};

// The cache of the database file at `databasePath`, or nullptr for a database that is not a
// plain file (in memory, a URI): then every lookup reads the database. Throws
// std::runtime_error when the counter file cannot be opened.
std::unique_ptr<AuthCache> openAuthCache(const std::string& databasePath);

}  // namespace assetd::store::sqlite
