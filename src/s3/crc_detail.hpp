#pragma once
// The separate implementations behind crc32(), crc32c() and crc64nvme() (stream_digest.hpp),
// exposed so that tests can hold each one against the others whatever CPU runs them. All take
// and return the finished CRC (0 to start), so that any of them can continue another's work.
#include <cstddef>
#include <cstdint>

namespace assetd::s3::crc_detail {

// One byte per step through a 256-entry table: the reference.
std::uint32_t crc32Bytewise(std::uint32_t crc, const char* data, std::size_t n);
std::uint32_t crc32cBytewise(std::uint32_t crc, const char* data, std::size_t n);
std::uint64_t crc64nvmeBytewise(std::uint64_t crc, const char* data, std::size_t n);

// Slicing-by-16: sixteen bytes per step through sixteen tables; any CPU.
std::uint32_t crc32Sliced(std::uint32_t crc, const char* data, std::size_t n);
std::uint32_t crc32cSliced(std::uint32_t crc, const char* data, std::size_t n);
std::uint64_t crc64nvmeSliced(std::uint64_t crc, const char* data, std::size_t n);

// SSE4.2's crc32 instruction, eight bytes per step. Only valid where crc32cHardware() is true.
bool crc32cHardware();
std::uint32_t crc32cSse42(std::uint32_t crc, const char* data, std::size_t n);

// Folding by carry-less multiplication (PCLMULQDQ), the tables for what is left. Only valid
// where clmulHardware() is true.
bool clmulHardware();
std::uint32_t crc32Folded(std::uint32_t crc, const char* data, std::size_t n);
std::uint32_t crc32cFolded(std::uint32_t crc, const char* data, std::size_t n);
std::uint64_t crc64nvmeFolded(std::uint64_t crc, const char* data, std::size_t n);

}  // namespace assetd::s3::crc_detail
