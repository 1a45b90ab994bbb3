// files::copyInto: a body from the socket (or another file) into a temp file, with its MD5.
// MD5 runs at well under the speed of receiving or writing, so a body larger than one buffer is
// pipelined: the caller only reads (the ReadFn is never called from another thread) while a
// hashing thread and a writing thread each take the filled buffers in order. The writer uses
// direct I/O for whole buffers where the file system allows it: no page-cache copy competing
// with MD5 for the CPU, and nothing left to write back when the object is fsynced.
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include "blob/local_files.hpp"
#include "core/error.hpp"
#include "s3/stream_digest.hpp"

namespace assetd::blob::files {
namespace {

// Without direct I/O, written bytes are handed to the disk every this many, so that the fsync
// before the rename finds little left to write (measured: ~0.03 s after a 1 GiB upload instead
// of ~0.3 s) and dirty pages do not pile up.
constexpr std::uint64_t kWritebackStep = std::uint64_t{16} << 20;

// Reads a body buffer by buffer, each filled to the brim so the hand-offs stay few. Enforces
// the declared size and reads on to the body's end (a 0 from `read`), where the reader runs its
// integrity checks.
class BodyFiller {
 public:
  BodyFiller(const ReadFn& read, std::optional<std::uint64_t> expectedSize)
      : read_(read), expected_(expectedSize) {}

  std::size_t fill(char* buffer) {
    std::size_t filled = 0;
    while (filled < kBufferSize && !ended_) {
      std::size_t want = kBufferSize - filled;
      if (expected_ && *expected_ - total_ < want)
        want = static_cast<std::size_t>(*expected_ - total_);
      if (want == 0) {  // exactly the declared size so far: the body must end here
        char extra = 0;
        if (read_(&extra, 1) != 0)
          throw core::ApiError::badRequest("", "body is longer than its declared size");
        ended_ = true;
        break;
      }
      std::size_t n = read_(buffer + filled, want);
      if (n == 0) {
        ended_ = true;
        break;
      }
      filled += n;
      total_ += n;
    }
    if (ended_ && expected_ && total_ != *expected_)
      throw core::ApiError::badRequest("", "body is shorter than its declared size");
    return filled;
  }
  bool ended() const { return ended_; }
  std::uint64_t total() const { return total_; }

 private:
  const ReadFn& read_;
  std::optional<std::uint64_t> expected_;
  std::uint64_t total_ = 0;
  bool ended_ = false;
};

// Direct I/O wants block-aligned memory; a page is aligned for every block size in use.
constexpr std::size_t kAlignment = 4096;

char* alignedBuffer() {
  void* bytes = std::aligned_alloc(kAlignment, kBufferSize);
  if (!bytes) throw std::bad_alloc();
  return static_cast<char*>(bytes);
}

struct Slot {
  std::unique_ptr<char, decltype(&std::free)> bytes{alignedBuffer(), &std::free};
  std::size_t size = 0;
  std::uint64_t offset = 0;
  int users = 0;  // stages still to process it
};

// Writes the buffers of one body in order: directly while they are whole buffers and the file
// system allows it, through the page cache otherwise.
class SlotWriter {
 public:
  explicit SlotWriter(TempFile& file, bool tryDirect) : file_(file) {
    direct_ = tryDirect && file_.setDirect(true);
  }
  void write(const Slot& slot) {
    if (direct_ && slot.size != kBufferSize) {  // the tail: not a whole number of blocks
      file_.setDirect(false);
      direct_ = false;
    }
    if (direct_) {
      try {
        file_.writeAt(slot.offset, slot.bytes.get(), slot.size);
        return;
      } catch (const core::ApiError&) {  // refused after all: carry on through the page cache
        file_.setDirect(false);
        direct_ = false;
      }
    }
    file_.writeAt(slot.offset, slot.bytes.get(), slot.size);
    std::uint64_t end = slot.offset + slot.size;
    if (end - flushed_ >= kWritebackStep) {
      file_.startWriteback(flushed_, end - flushed_);
      flushed_ = end;
    }
  }

 private:
  TempFile& file_;
  bool direct_ = false;
  std::uint64_t flushed_ = 0;
};

// kCopyDepth buffers handed from the caller, which fills them, to two stages running on their
// own threads (hashing, writing), each taking them in order. A buffer is refilled once both
// stages are done with it.
class CopyPipeline {
 public:
  explicit CopyPipeline(TempFile& file) : writer_(file, true) {
    for (std::size_t i = 1; i < kCopyDepth; ++i) storage_.push_back(std::make_unique<Slot>());
    for (auto& slot : storage_) free_.push_back(slot.get());
    hashing_.thread = std::thread([this] { run(hashing_, [this](Slot& s) { hash(s); }); });
    writing_.thread = std::thread([this] { run(writing_, [this](Slot& s) { writer_.write(s); }); });
  }
  ~CopyPipeline() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      abandoned_ = true;
    }
    changed_.notify_all();
    join();
  }
  CopyPipeline(const CopyPipeline&) = delete;
  CopyPipeline& operator=(const CopyPipeline&) = delete;

  // A buffer to fill: waits while every buffer is still being hashed or written.
  Slot* acquire() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !free_.empty() || error_; });
    if (error_) std::rethrow_exception(error_);
    Slot* slot = free_.back();
    free_.pop_back();
    return slot;
  }
  // Takes over a buffer filled before the pipeline started, as the first to process.
  void submitFirst(std::unique_ptr<Slot> slot) {
    storage_.push_back(std::move(slot));
    submit(storage_.back().get());
  }
  void giveBack(Slot* slot) {
    std::lock_guard lock(mutex_);
    free_.push_back(slot);
  }
  void submit(Slot* slot) {
    {
      std::lock_guard lock(mutex_);
      slot->users = 2;
      hashing_.queue.push_back(slot);
      writing_.queue.push_back(slot);
    }
    changed_.notify_all();
  }
  // Waits until everything submitted is hashed and written; the body's MD5.
  std::string finish() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;  // the stages drain their queues before they stop
    }
    changed_.notify_all();
    join();
    if (error_) std::rethrow_exception(error_);
    return digest_.finish();
  }

 private:
  struct Stage {
    std::deque<Slot*> queue;
    std::thread thread;
  };

  void hash(Slot& slot) { digest_.update(slot.bytes.get(), slot.size); }

  void run(Stage& stage, const std::function<void(Slot&)>& work) {
    for (;;) {
      Slot* slot = nullptr;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !stage.queue.empty() || stopping_ || error_; });
        if (stage.queue.empty() || error_ || abandoned_) return;
        slot = stage.queue.front();
        stage.queue.pop_front();
      }
      try {
        work(*slot);
      } catch (...) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      {
        std::lock_guard lock(mutex_);
        if (--slot->users == 0) free_.push_back(slot);
      }
      changed_.notify_all();
    }
  }

  void join() {
    if (hashing_.thread.joinable()) hashing_.thread.join();
    if (writing_.thread.joinable()) writing_.thread.join();
  }

  std::vector<std::unique_ptr<Slot>> storage_;
  assetd::s3::StreamDigest digest_{assetd::s3::StreamDigest::Kind::Md5};
  SlotWriter writer_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Slot*> free_;
  Stage hashing_;
  Stage writing_;
  bool stopping_ = false;
  bool abandoned_ = false;
  std::exception_ptr error_;
};

}  // namespace

Streamed copyInto(TempFile& file, const ReadFn& read, std::optional<std::uint64_t> expectedSize) {
  BodyFiller body(read, expectedSize);
  Streamed out;
  // Most bodies fit one buffer: no threads for them.
  auto first = std::make_unique<Slot>();
  first->size = body.fill(first->bytes.get());
  if (body.ended()) {
    file.writeAt(0, first->bytes.get(), first->size);
    out.size = first->size;
    out.md5 = assetd::s3::md5(std::string_view(first->bytes.get(), first->size));
    return out;
  }
  CopyPipeline pipeline(file);
  pipeline.submitFirst(std::move(first));
  while (!body.ended()) {
    Slot* slot = pipeline.acquire();
    slot->offset = body.total();
    slot->size = body.fill(slot->bytes.get());
    if (slot->size == 0) {
      pipeline.giveBack(slot);
      break;
    }
    pipeline.submit(slot);
  }
  out.size = body.total();
  out.md5 = pipeline.finish();
  return out;
}

}  // namespace assetd::blob::files
