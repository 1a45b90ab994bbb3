// files::copyInto, which hashes on a helper thread while it reads and writes: the file and the
// MD5 come out exactly as the bytes went in at every size around the buffer boundaries, the
// reader is only called from the caller's thread, and failures propagate without leaving the
// helper behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "blob/local_files.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "s3/stream_digest.hpp"

namespace assetd::blob::files {
namespace {

class CopyInto : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("assetd-copy-" + core::randomHex(6));
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string contents(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir;
};

char byteAt(std::uint64_t i) {
  return static_cast<char>((i * 2654435761u) >> 13);
}

std::string bytes(std::uint64_t total) {
  std::string out(total, '\0');
  for (std::uint64_t i = 0; i < total; ++i) out[i] = byteAt(i);
  return out;
}

// Serves `total` bytes in pieces that vary in size (1 byte up to `maxPiece`), like a socket;
// throws once `failAt` bytes are out.
ReadFn source(std::uint64_t total, std::size_t maxPiece = 300000,
              std::uint64_t failAt = UINT64_MAX) {
  auto sent = std::make_shared<std::uint64_t>(0);
  auto calls = std::make_shared<std::uint64_t>(0);
  return [=](char* out, std::size_t n) -> std::size_t {
    if (*sent >= failAt) throw std::runtime_error("client went away");
    std::size_t piece = 1 + static_cast<std::size_t>((++*calls * 7919) % maxPiece);
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>({n, piece, total - *sent}));
    for (std::size_t i = 0; i < take; ++i) out[i] = byteAt(*sent + i);
    *sent += take;
    return take;
  };
}

TEST_F(CopyInto, CopiesAndHashesEverySizeAroundTheBufferBoundaries) {
  for (std::uint64_t size :
       {std::uint64_t{0}, std::uint64_t{1}, kBufferSize - 1, kBufferSize, kBufferSize + 1,
        2 * kBufferSize, kCopyDepth * kBufferSize + 123, 3 * kCopyDepth * kBufferSize + 7}) {
    for (bool declared : {true, false}) {
      SCOPED_TRACE("size " + std::to_string(size) + (declared ? " declared" : " undeclared"));
      fs::path target = dir / "object";
      {
        TempFile temp(dir);
        Streamed out = copyInto(temp, source(size),
                                declared ? std::optional<std::uint64_t>(size) : std::nullopt);
        EXPECT_EQ(out.size, size);
        std::string expected = bytes(size);
        EXPECT_EQ(out.md5, assetd::s3::md5(expected));
        temp.commitAs(target, false);
        EXPECT_EQ(contents(target), expected);
      }
      fs::remove(target);
    }
  }
}

TEST_F(CopyInto, CallsTheReaderOnlyFromTheCallingThread) {
  std::thread::id caller = std::this_thread::get_id();
  bool elsewhere = false;
  ReadFn inner = source(5 * kBufferSize + 11);
  ReadFn read = [&](char* out, std::size_t n) {
    if (std::this_thread::get_id() != caller) elsewhere = true;
    return inner(out, n);
  };
  TempFile temp(dir);
  EXPECT_EQ(copyInto(temp, read, std::nullopt).size, 5 * kBufferSize + 11);
  EXPECT_FALSE(elsewhere);
}

TEST_F(CopyInto, AReaderFailureMidwayPropagates) {
  for (std::uint64_t failAt : {std::uint64_t{1000}, kBufferSize + 5, 6 * kBufferSize}) {
    TempFile temp(dir);
    EXPECT_THROW(copyInto(temp, source(10 * kBufferSize, 300000, failAt), 10 * kBufferSize),
                 std::runtime_error);
  }
}

TEST_F(CopyInto, ALargeBodyOfTheWrongSizeIsRefused) {
  std::uint64_t size = 5 * kBufferSize + 3;
  {
    TempFile temp(dir);
    EXPECT_THROW(copyInto(temp, source(size - 1), size), core::ApiError);
  }
  {
    TempFile temp(dir);
    EXPECT_THROW(copyInto(temp, source(size + 1), size), core::ApiError);
  }
  {
    TempFile temp(dir);
    EXPECT_THROW(copyInto(temp, source(size + 1), kBufferSize), core::ApiError);
  }
}

}  // namespace
}  // namespace assetd::blob::files
