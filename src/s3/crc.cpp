// CRC-32, CRC-32C and CRC-64/NVME, the checksums S3 clients send with every upload. They are
// verified on the path of each uploaded byte, so they must keep up with receiving and writing.
// Slicing-by-16 tables serve every CPU; where the CPU has them (checked once at run time, so one
// binary serves every x86-64), carry-less multiplication folds all three (crc_fold.cpp), and
// SSE4.2's crc32 instruction computes CRC-32C when PCLMULQDQ is missing.
#include <array>
#include <cstring>

#include "s3/crc_detail.hpp"
#include "s3/stream_digest.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ASSETD_CRC32C_SSE42 1
#include <nmmintrin.h>
#endif

namespace assetd::s3 {
namespace {

constexpr std::size_t kSlices = 16;

// tables[0] is the classic byte table of a reflected CRC; tables[k][b] is the CRC of byte b
// followed by k zero bytes, so that sixteen bytes can be looked up independently and combined.
template <typename Crc>
struct SliceTables {
  std::array<std::array<Crc, 256>, kSlices> tables{};

  constexpr explicit SliceTables(Crc reflectedPolynomial) {
    for (Crc i = 0; i < 256; ++i) {
      Crc c = i;
      for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? (c >> 1) ^ reflectedPolynomial : c >> 1;
      tables[0][i] = c;
    }
    for (std::size_t k = 1; k < kSlices; ++k)
      for (std::size_t i = 0; i < 256; ++i) {
        Crc previous = tables[k - 1][i];
        tables[k][i] = (previous >> 8) ^ tables[0][previous & 0xFF];
      }
  }
};

constexpr SliceTables<std::uint32_t> kCrc32(0xEDB88320u);
constexpr SliceTables<std::uint32_t> kCrc32c(0x82F63B78u);
constexpr SliceTables<std::uint64_t> kCrc64Nvme(0x9A6C9329AC4BC9B5ull);

template <typename Crc>
Crc bytewise(const SliceTables<Crc>& t, Crc crc, const unsigned char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) crc = t.tables[0][(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return crc;
}

// The register (already inverted) folded with each of the next sixteen bytes, each byte looked
// up in the table that accounts for the bytes after it. Reads bytes, not words: no alignment
// or byte-order concerns.
template <typename Crc>
Crc sliced(const SliceTables<Crc>& t, Crc crc, const unsigned char* p, std::size_t n) {
  for (; n >= kSlices; n -= kSlices, p += kSlices) {
    Crc next = 0;
    for (std::size_t i = 0; i < kSlices; ++i) {
      unsigned byte = p[i];
      if (i < sizeof(Crc)) byte ^= static_cast<unsigned>(crc >> (8 * i)) & 0xFF;
      next ^= t.tables[kSlices - 1 - i][byte];
    }
    crc = next;
  }
  return bytewise(t, crc, p, n);
}

const unsigned char* bytes(const char* data) {
  return reinterpret_cast<const unsigned char*>(data);
}

#ifdef ASSETD_CRC32C_SSE42
__attribute__((target("sse4.2"))) std::uint32_t sse42(std::uint32_t crc, const unsigned char* p,
                                                      std::size_t n) {
  std::uint64_t c = ~crc;
  for (; n > 0 && reinterpret_cast<std::uintptr_t>(p) % 8 != 0; --n, ++p)
    c = _mm_crc32_u8(static_cast<std::uint32_t>(c), *p);
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    c = _mm_crc32_u64(c, word);
  }
  for (; n > 0; --n, ++p) c = _mm_crc32_u8(static_cast<std::uint32_t>(c), *p);
  return ~static_cast<std::uint32_t>(c);
}
#endif

using Crc32Fn = std::uint32_t (*)(std::uint32_t, const char*, std::size_t);
using Crc64Fn = std::uint64_t (*)(std::uint64_t, const char*, std::size_t);

Crc32Fn chooseCrc32() {
  return crc_detail::clmulHardware() ? crc_detail::crc32Folded : crc_detail::crc32Sliced;
}

Crc32Fn chooseCrc32c() {
  if (crc_detail::clmulHardware()) return crc_detail::crc32cFolded;
  return crc_detail::crc32cHardware() ? crc_detail::crc32cSse42 : crc_detail::crc32cSliced;
}

Crc64Fn chooseCrc64nvme() {
  return crc_detail::clmulHardware() ? crc_detail::crc64nvmeFolded : crc_detail::crc64nvmeSliced;
}

}  // namespace

namespace crc_detail {

std::uint32_t crc32Bytewise(std::uint32_t crc, const char* data, std::size_t n) {
  return ~bytewise(kCrc32, ~crc, bytes(data), n);
}
std::uint32_t crc32cBytewise(std::uint32_t crc, const char* data, std::size_t n) {
  return ~bytewise(kCrc32c, ~crc, bytes(data), n);
}
std::uint64_t crc64nvmeBytewise(std::uint64_t crc, const char* data, std::size_t n) {
  return ~bytewise(kCrc64Nvme, ~crc, bytes(data), n);
}

std::uint32_t crc32Sliced(std::uint32_t crc, const char* data, std::size_t n) {
  return ~sliced(kCrc32, ~crc, bytes(data), n);
}
std::uint32_t crc32cSliced(std::uint32_t crc, const char* data, std::size_t n) {
  return ~sliced(kCrc32c, ~crc, bytes(data), n);
}
std::uint64_t crc64nvmeSliced(std::uint64_t crc, const char* data, std::size_t n) {
  return ~sliced(kCrc64Nvme, ~crc, bytes(data), n);
}

bool crc32cHardware() {
#ifdef ASSETD_CRC32C_SSE42
  static const bool supported = __builtin_cpu_supports("sse4.2");
  return supported;
#else
  return false;
#endif
}

std::uint32_t crc32cSse42(std::uint32_t crc, const char* data, std::size_t n) {
#ifdef ASSETD_CRC32C_SSE42
  return sse42(crc, bytes(data), n);
#else
  return crc32cSliced(crc, data, n);
#endif
}

}  // namespace crc_detail

std::uint32_t crc32(std::uint32_t crc, const char* data, std::size_t n) {
  static const Crc32Fn implementation = chooseCrc32();
  return implementation(crc, data, n);
}

std::uint32_t crc32c(std::uint32_t crc, const char* data, std::size_t n) {
  static const Crc32Fn implementation = chooseCrc32c();
  return implementation(crc, data, n);
}

std::uint64_t crc64nvme(std::uint64_t crc, const char* data, std::size_t n) {
  static const Crc64Fn implementation = chooseCrc64nvme();
  return implementation(crc, data, n);
}

}  // namespace assetd::s3
