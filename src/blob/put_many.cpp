#include "blob/put_many.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace assetd::blob {
namespace {

// Runs work(i) for i in [0, count) on up to `concurrency` threads (the caller's among them).
// After the first exception no further index starts; that exception is returned.
std::exception_ptr forEachIndex(std::size_t count, std::size_t concurrency,
                                const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex errorMutex;
  std::exception_ptr error;
  auto drain = [&] {
    while (!failed.load()) {
      std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        work(i);
      } catch (...) {
        std::lock_guard lock(errorMutex);
        if (!error) error = std::current_exception();
        failed.store(true);
      }
    }
  };
  std::size_t helpers = std::min(std::max<std::size_t>(concurrency, 1), count);
  helpers = helpers > 0 ? helpers - 1 : 0;
  std::vector<std::jthread> threads;
  threads.reserve(helpers);
  try {
    for (std::size_t t = 0; t < helpers; ++t) threads.emplace_back(drain);
  } catch (...) {  // no thread to spare: the ones started and this one do the work
  }
  drain();
  threads.clear();  // joins
  return error;
}

}  // namespace

void putAll(BlobStore& store, const std::vector<PutItem>& items, std::size_t concurrency) {
  std::vector<char> written(items.size(), 0);  // each index touched by one thread only
  std::exception_ptr error = forEachIndex(items.size(), concurrency, [&](std::size_t i) {
    store.put(items[i].key, items[i].bytes);
    written[i] = 1;
  });
  if (!error) return;
  std::vector<std::string> undo;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (written[i]) undo.push_back(items[i].key);
  removeAll(store, undo, concurrency);
  std::rethrow_exception(error);
}

void removeAll(BlobStore& store, const std::vector<std::string>& keys,
               std::size_t concurrency) noexcept {
  try {
    forEachIndex(keys.size(), concurrency, [&](std::size_t i) {
      try {
        store.remove(keys[i]);
      } catch (...) {  // best effort: the rest are still removed
      }
    });
  } catch (...) {
  }
}

}  // namespace assetd::blob
