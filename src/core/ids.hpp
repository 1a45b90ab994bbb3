#pragma once
// Ids in MongoDB ObjectId layout: 4 bytes of Unix seconds, 5 random bytes fixed per process,
// 3 bytes of a counter; rendered as 24 lowercase hex characters, so they sort by creation time.
#include <cstdint>
#include <string>
#include <string_view>

namespace assetd::core {

// Thread-safe; ids from one process are strictly increasing.
std::string newObjectId();
bool isObjectId(std::string_view s);
// `bytes` bytes from the OS CSPRNG, as lowercase hex.
std::string randomHex(std::size_t bytes);

}  // namespace assetd::core
