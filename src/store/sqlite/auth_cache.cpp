#include "store/sqlite/auth_cache.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace assetd::store::sqlite {
namespace {

// Processes share the counter through memory: only a lock-free atomic works across them.
static_assert(std::atomic_ref<std::uint64_t>::is_always_lock_free);

constexpr std::size_t kCounterBytes = sizeof(std::uint64_t);

// Beside the database, like SQLite's own -wal and -shm files.
constexpr const char* kCounterSuffix = "-authgen";

}  // namespace

std::unique_ptr<SharedGeneration> SharedGeneration::open(const std::string& path, unsigned mode) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return nullptr;
  // The counter's block is allocated, not a hole: touching a mapped hole on a full file system
  // raises SIGBUS. posix_fallocate extends with zeros only (a counter another process already
  // uses keeps its value) and costs nothing for a block already there.
  int error = ::posix_fallocate(fd, 0, static_cast<off_t>(kCounterBytes));
  void* mapped = error == 0
                     ? ::mmap(nullptr, kCounterBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
                     : MAP_FAILED;
  if (mapped == MAP_FAILED && error == 0) error = errno;
  ::close(fd);  // the mapping outlives the descriptor
  if (mapped == MAP_FAILED) {
    errno = error;
    return nullptr;
  }
  return std::unique_ptr<SharedGeneration>(
      new SharedGeneration(static_cast<std::uint64_t*>(mapped)));
}

SharedGeneration::~SharedGeneration() {
  ::munmap(word_, kCounterBytes);
}

std::uint64_t SharedGeneration::current() const {
  return std::atomic_ref<std::uint64_t>(*word_).load();
}

void SharedGeneration::bump() {
  std::atomic_ref<std::uint64_t>(*word_).fetch_add(1);
}

std::optional<Store::KeyAndProject> AuthCache::find(const std::string& keyHash,
                                                    const std::string& projectId,
                                                    std::uint64_t generation) const {
  std::lock_guard lock(mutex_);
  if (generation != entriesGeneration_) return std::nullopt;
  auto key = keys_.find(keyHash);
  if (key == keys_.end()) return std::nullopt;
  auto project = projectOrganizations_.find(projectId);
  if (project == projectOrganizations_.end()) return std::nullopt;
  // A project never changes organization: one of another organization does not exist for
  // this key, exactly as the database would answer.
  return Store::KeyAndProject{key->second, project->second == key->second.organizationId};
}

void AuthCache::remember(const std::string& keyHash, const std::string& projectId,
                         const Store::KeyAndProject& found, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation < entriesGeneration_) return;  // read before a newer change: may be stale
  if (generation > entriesGeneration_ ||
      keys_.size() + projectOrganizations_.size() >= kMaxEntries) {
    keys_.clear();
    projectOrganizations_.clear();
    entriesGeneration_ = generation;
  }
  keys_.insert_or_assign(keyHash, found.key);
  // Only live projects: a missing one may be created at any time.
  if (found.projectExists)
    projectOrganizations_.insert_or_assign(projectId, found.key.organizationId);
}

std::unique_ptr<AuthCache> openAuthCache(const std::string& databasePath) {
  if (databasePath.empty() || databasePath == ":memory:" || databasePath.starts_with("file:"))
    return nullptr;
  // The counter gets the database's permissions, so whoever may change the database (an admin
  // command run as another user of its group) can also bump the counter.
  struct stat db {};
  unsigned mode = ::stat(databasePath.c_str(), &db) == 0 ? (db.st_mode & 0666) : 0644;
  // Refusing to open beats running without it: a process that could not bump the counter
  // would revoke keys that a running server's cache goes on accepting.
  auto generation = SharedGeneration::open(databasePath + kCounterSuffix, mode);
  if (!generation)
    throw std::runtime_error("cannot open " + databasePath + kCounterSuffix + ": " +
                             std::strerror(errno));
  return std::make_unique<AuthCache>(std::move(generation));
}

}  // namespace assetd::store::sqlite
