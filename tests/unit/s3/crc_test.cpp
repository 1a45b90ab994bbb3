// Every CRC implementation (tables, slicing, the CPU's instructions where present, and the one
// crc32()/crc32c()/crc64nvme() dispatch to) against a bit-at-a-time reference written from the
// CRC's definition: random data of every length 0..1024 at every alignment 0..15, and
// continuation of one implementation's result by another at arbitrary split points.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "s3/crc_detail.hpp"
#include "s3/stream_digest.hpp"

namespace assetd::s3 {
namespace {

// The reflected CRC, one bit at a time, initial value and final xor all ones.
template <typename Crc>
Crc bitwise(Crc polynomial, Crc crc, const char* data, std::size_t n) {
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= static_cast<unsigned char>(data[i]);
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ polynomial : crc >> 1;
  }
  return ~crc;
}

template <typename Crc>
using CrcFn = std::function<Crc(Crc, const char*, std::size_t)>;

template <typename Crc>
struct Family {
  std::string name;
  CrcFn<Crc> reference;
  std::vector<std::pair<std::string, CrcFn<Crc>>> implementations;
};

Family<std::uint32_t> crc32Family() {
  Family<std::uint32_t> family{
      "crc32",
      [](std::uint32_t c, const char* p, std::size_t n) { return bitwise(0xEDB88320u, c, p, n); },
      {{"bytewise", crc_detail::crc32Bytewise},
       {"sliced", crc_detail::crc32Sliced},
       {"dispatched", crc32}}};
  if (crc_detail::clmulHardware())
    family.implementations.emplace_back("folded", crc_detail::crc32Folded);
  return family;
}

Family<std::uint32_t> crc32cFamily() {
  Family<std::uint32_t> family{
      "crc32c",
      [](std::uint32_t c, const char* p, std::size_t n) { return bitwise(0x82F63B78u, c, p, n); },
      {{"bytewise", crc_detail::crc32cBytewise},
       {"sliced", crc_detail::crc32cSliced},
       {"dispatched", crc32c}}};
  if (crc_detail::crc32cHardware())
    family.implementations.emplace_back("sse4.2", crc_detail::crc32cSse42);
  if (crc_detail::clmulHardware())
    family.implementations.emplace_back("folded", crc_detail::crc32cFolded);
  return family;
}

Family<std::uint64_t> crc64Family() {
  Family<std::uint64_t> family{"crc64nvme",
                               [](std::uint64_t c, const char* p, std::size_t n) {
                                 return bitwise<std::uint64_t>(0x9A6C9329AC4BC9B5ull, c, p, n);
                               },
                               {{"bytewise", crc_detail::crc64nvmeBytewise},
                                {"sliced", crc_detail::crc64nvmeSliced},
                                {"dispatched", crc64nvme}}};
  if (crc_detail::clmulHardware())
    family.implementations.emplace_back("folded", crc_detail::crc64nvmeFolded);
  return family;
}

std::string randomBytes(std::size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(random() & 0xFF);
  return out;
}

constexpr std::size_t kMaxLength = 1024;
constexpr std::size_t kAlignments = 16;

template <typename Crc>
void expectEveryLengthAndAlignment(const Family<Crc>& family) {
  std::string data = randomBytes(kMaxLength + kAlignments, 7);
  for (std::size_t offset = 0; offset < kAlignments; ++offset) {
    for (std::size_t length = 0; length <= kMaxLength; ++length) {
      const char* start = data.data() + offset;
      Crc expected = family.reference(0, start, length);
      for (const auto& [name, crc] : family.implementations) {
        Crc actual = crc(0, start, length);
        if (actual != expected) {
          ADD_FAILURE() << family.name << " " << name << " differs at offset " << offset
                        << ", length " << length;
          return;  // one report per family and implementation is enough to diagnose
        }
      }
    }
  }
}

// Starts with one implementation and continues with another at every split point of a body
// long enough to reach each one's fast path on both sides.
template <typename Crc>
void expectContinuationAcrossSplits(const Family<Crc>& family) {
  std::string data = randomBytes(300, 11);
  Crc expected = family.reference(0, data.data(), data.size());
  for (const auto& [firstName, first] : family.implementations)
    for (const auto& [secondName, second] : family.implementations)
      for (std::size_t split = 0; split <= data.size(); ++split) {
        Crc head = first(0, data.data(), split);
        Crc whole = second(head, data.data() + split, data.size() - split);
        if (whole != expected) {
          ADD_FAILURE() << family.name << " " << firstName << " then " << secondName
                        << " differs at split " << split;
          return;
        }
      }
}

// Many uneven pieces, as a body arrives from the network.
template <typename Crc>
void expectRandomPieces(const Family<Crc>& family) {
  std::string data = randomBytes(100000, 13);
  Crc expected = family.reference(0, data.data(), data.size());
  std::mt19937 random(17);
  for (const auto& [name, crc] : family.implementations) {
    Crc running = 0;
    for (std::size_t at = 0; at < data.size();) {
      std::size_t piece = std::min<std::size_t>(random() % 3000, data.size() - at);
      running = crc(running, data.data() + at, piece);
      at += piece;
    }
    EXPECT_EQ(running, expected) << family.name << " " << name;
  }
}

const std::string kCheck = "123456789";

TEST(Crc, PublishedCheckValuesFromEveryImplementation) {
  for (const auto& [name, crc] : crc32Family().implementations)
    EXPECT_EQ(crc(0, kCheck.data(), kCheck.size()), 0xCBF43926u) << name;
  for (const auto& [name, crc] : crc32cFamily().implementations)
    EXPECT_EQ(crc(0, kCheck.data(), kCheck.size()), 0xE3069283u) << name;
  for (const auto& [name, crc] : crc64Family().implementations)
    EXPECT_EQ(crc(0, kCheck.data(), kCheck.size()), 0xAE8B14860A799888ull) << name;
}

TEST(Crc, ReferenceMatchesCheckValues) {  // so that agreeing with it means something
  EXPECT_EQ(crc32Family().reference(0, kCheck.data(), kCheck.size()), 0xCBF43926u);
  EXPECT_EQ(crc32cFamily().reference(0, kCheck.data(), kCheck.size()), 0xE3069283u);
  EXPECT_EQ(crc64Family().reference(0, kCheck.data(), kCheck.size()), 0xAE8B14860A799888ull);
}

TEST(Crc, EmptyInputKeepsTheRunningValue) {
  for (const auto& [name, crc] : crc32Family().implementations)
    EXPECT_EQ(crc(0xCBF43926u, nullptr, 0), 0xCBF43926u) << name;
  for (const auto& [name, crc] : crc32cFamily().implementations)
    EXPECT_EQ(crc(0xE3069283u, nullptr, 0), 0xE3069283u) << name;
  for (const auto& [name, crc] : crc64Family().implementations)
    EXPECT_EQ(crc(0, nullptr, 0), 0u) << name;
}

TEST(Crc, Crc32EveryLengthAndAlignment) {
  expectEveryLengthAndAlignment(crc32Family());
}
TEST(Crc, Crc32cEveryLengthAndAlignment) {
  expectEveryLengthAndAlignment(crc32cFamily());
}
TEST(Crc, Crc64NvmeEveryLengthAndAlignment) {
  expectEveryLengthAndAlignment(crc64Family());
}

TEST(Crc, Crc32ContinuesAcrossSplits) {
  expectContinuationAcrossSplits(crc32Family());
}
TEST(Crc, Crc32cContinuesAcrossSplits) {
  expectContinuationAcrossSplits(crc32cFamily());
}
TEST(Crc, Crc64NvmeContinuesAcrossSplits) {
  expectContinuationAcrossSplits(crc64Family());
}

TEST(Crc, Crc32RandomPieces) {
  expectRandomPieces(crc32Family());
}
TEST(Crc, Crc32cRandomPieces) {
  expectRandomPieces(crc32cFamily());
}
TEST(Crc, Crc64NvmeRandomPieces) {
  expectRandomPieces(crc64Family());
}

// A body of 1 MiB: many thousands of fast-path steps, each carrying the last one's state.
TEST(Crc, LongInputAgainstReference) {
  std::string data(std::size_t{1} << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  EXPECT_EQ(crc32(0, data.data(), data.size()),
            crc32Family().reference(0, data.data(), data.size()));
  EXPECT_EQ(crc32c(0, data.data(), data.size()),
            crc32cFamily().reference(0, data.data(), data.size()));
  EXPECT_EQ(crc64nvme(0, data.data(), data.size()),
            crc64Family().reference(0, data.data(), data.size()));
}

}  // namespace
}  // namespace assetd::s3
