// CRC folding with carry-less multiplication (PCLMULQDQ), after Intel's "Fast CRC Computation
// for Generic Polynomials Using PCLMULQDQ": the data is taken 64 bytes at a time in four 128-bit
// lanes, each lane multiplied forward by x^512 modulo the CRC's polynomial (which keeps the
// remainder) and added to the next block. What is left — one 16-byte value congruent to all
// that came before, and the tail — goes through the tables. The constants are computed from the
// polynomial, so the same code serves all three CRCs.
#include <cstring>

#include "s3/crc_detail.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ASSETD_CRC_CLMUL 1
#include <emmintrin.h>
#include <wmmintrin.h>
#endif

namespace assetd::s3::crc_detail {
namespace {

constexpr std::uint64_t reverseBits(std::uint64_t value, int width) {
  std::uint64_t out = 0;
  for (int bit = 0; bit < width; ++bit)
    if (value & (std::uint64_t{1} << bit)) out |= std::uint64_t{1} << (width - 1 - bit);
  return out;
}

// x^power modulo the polynomial (given reflected, as in the tables), as a 64-bit operand whose
// bit 63 - d holds the coefficient of x^d: the bit order of the reflected data.
constexpr std::uint64_t xPowerModulo(unsigned power, std::uint64_t reflectedPolynomial, int width) {
  std::uint64_t polynomial = reverseBits(reflectedPolynomial, width);  // without x^width
  std::uint64_t top = std::uint64_t{1} << (width - 1);
  std::uint64_t mask = width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
  std::uint64_t remainder = 1;
  for (unsigned i = 0; i < power; ++i) {
    bool carry = remainder & top;
    remainder = (remainder << 1) & mask;
    if (carry) remainder ^= polynomial;
  }
  return reverseBits(remainder, 64);
}

// Folding a 128-bit lane forward by `distance` bits: its low half (the earlier, higher-degree
// bits) is multiplied by x^(distance + 63), its high half by x^(distance - 1); the extra x^-1
// makes up for the one-bit shift of a product of two reflected operands.
struct FoldConstants {
  std::uint64_t by512Low, by512High, by128Low, by128High;
};

constexpr FoldConstants constantsFor(std::uint64_t reflectedPolynomial, int width) {
  return {xPowerModulo(512 + 63, reflectedPolynomial, width),
          xPowerModulo(512 - 1, reflectedPolynomial, width),
          xPowerModulo(128 + 63, reflectedPolynomial, width),
          xPowerModulo(128 - 1, reflectedPolynomial, width)};
}

constexpr FoldConstants kCrc32 = constantsFor(0xEDB88320u, 32);
constexpr FoldConstants kCrc32c = constantsFor(0x82F63B78u, 32);
constexpr FoldConstants kCrc64Nvme = constantsFor(0x9A6C9329AC4BC9B5ull, 64);

#ifdef ASSETD_CRC_CLMUL
constexpr std::size_t kLanes = 4;
constexpr std::size_t kLaneBytes = 16;
constexpr std::size_t kMinimum = kLanes * kLaneBytes;

__attribute__((target("pclmul,sse2"))) __m128i foldLane(__m128i lane, __m128i constants) {
  return _mm_xor_si128(_mm_clmulepi64_si128(lane, constants, 0x00),
                       _mm_clmulepi64_si128(lane, constants, 0x11));
}

__attribute__((target("pclmul,sse2"))) __m128i load(const unsigned char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// Folds n >= kMinimum bytes, the running register `state` added to the first ones, down to 16
// bytes left in `folded`. Returns how many bytes of `p` it consumed (a multiple of 16).
__attribute__((target("pclmul,sse2"))) std::size_t fold(std::uint64_t state, const unsigned char* p,
                                                        std::size_t n, const FoldConstants& k,
                                                        unsigned char folded[16]) {
  const unsigned char* start = p;
  __m128i lanes[kLanes];
  for (std::size_t i = 0; i < kLanes; ++i) lanes[i] = load(p + i * kLaneBytes);
  lanes[0] = _mm_xor_si128(lanes[0], _mm_cvtsi64_si128(static_cast<long long>(state)));
  p += kMinimum;
  n -= kMinimum;
  const __m128i by512 =
      _mm_set_epi64x(static_cast<long long>(k.by512High), static_cast<long long>(k.by512Low));
  for (; n >= kMinimum; n -= kMinimum, p += kMinimum)
    for (std::size_t i = 0; i < kLanes; ++i)
      lanes[i] = _mm_xor_si128(foldLane(lanes[i], by512), load(p + i * kLaneBytes));
  const __m128i by128 =
      _mm_set_epi64x(static_cast<long long>(k.by128High), static_cast<long long>(k.by128Low));
  __m128i all = lanes[0];
  for (std::size_t i = 1; i < kLanes; ++i) all = _mm_xor_si128(foldLane(all, by128), lanes[i]);
  for (; n >= kLaneBytes; n -= kLaneBytes, p += kLaneBytes)
    all = _mm_xor_si128(foldLane(all, by128), load(p));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(folded), all);
  return static_cast<std::size_t>(p - start);
}
#endif

// The folded 16 bytes stand for everything before them with the register at zero: a finished
// CRC of all ones. The tables take them and the tail.
template <typename Crc, typename Sliced>
Crc folded(Crc crc, const char* data, std::size_t n, const FoldConstants& k, Sliced sliced) {
#ifdef ASSETD_CRC_CLMUL
  if (n >= kMinimum) {
    unsigned char rest[kLaneBytes];
    std::size_t used =
        fold(static_cast<Crc>(~crc), reinterpret_cast<const unsigned char*>(data), n, k, rest);
    Crc head = sliced(static_cast<Crc>(~Crc{0}), reinterpret_cast<const char*>(rest), kLaneBytes);
    return sliced(head, data + used, n - used);
  }
#else
  (void)k;
#endif
  return sliced(crc, data, n);
}

}  // namespace

bool clmulHardware() {
#ifdef ASSETD_CRC_CLMUL
  static const bool supported = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
  return supported;
#else
  return false;
#endif
}

std::uint32_t crc32Folded(std::uint32_t crc, const char* data, std::size_t n) {
  return folded(crc, data, n, kCrc32, crc32Sliced);
}
std::uint32_t crc32cFolded(std::uint32_t crc, const char* data, std::size_t n) {
  return folded(crc, data, n, kCrc32c, crc32cSliced);
}
std::uint64_t crc64nvmeFolded(std::uint64_t crc, const char* data, std::size_t n) {
  return folded(crc, data, n, kCrc64Nvme, crc64nvmeSliced);
}

}  // namespace assetd::s3::crc_detail
