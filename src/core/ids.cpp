#include "core/ids.hpp"

#include <openssl/rand.h>

#include <atomic>
#include <ctime>
#include <mutex>
#include <stdexcept>

namespace assetd::core {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void appendHex(std::string& out, const unsigned char* bytes, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xf]);
  }
}

void fillRandom(unsigned char* buf, std::size_t n) {
  if (RAND_bytes(buf, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
}

}  // namespace

std::string newObjectId() {
  // The counter and the seconds move together under one lock so that ids stay strictly
  // increasing even when the counter wraps within a second.
  static std::mutex mutex;
  static unsigned char processRandom[5];
  static std::uint32_t counter = 0;
  static std::uint32_t lastSeconds = 0;
  static bool initialized = false;

  unsigned char id[12];
  {
    std::lock_guard lock(mutex);
    if (!initialized) {
      fillRandom(processRandom, sizeof processRandom);
      unsigned char c[3];
      fillRandom(c, sizeof c);
      counter = (c[0] << 16) | (c[1] << 8) | c[2];
      initialized = true;
    }
    auto seconds = static_cast<std::uint32_t>(std::time(nullptr));
    if (seconds < lastSeconds) seconds = lastSeconds;
    counter = (counter + 1) & 0xffffff;
    if (counter == 0 && seconds == lastSeconds) ++seconds;  // wrapped: borrow the next second
    lastSeconds = seconds;
    id[0] = seconds >> 24;
    id[1] = seconds >> 16;
    id[2] = seconds >> 8;
    id[3] = seconds;
    for (int i = 0; i < 5; ++i) id[4 + i] = processRandom[i];
    id[9] = counter >> 16;
    id[10] = counter >> 8;
    id[11] = counter;
  }
  std::string out;
  out.reserve(24);
  appendHex(out, id, sizeof id);
  return out;
}

bool isObjectId(std::string_view s) {
  if (s.size() != 24) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string randomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  fillRandom(reinterpret_cast<unsigned char*>(raw.data()), bytes);
  std::string out;
  out.reserve(bytes * 2);
  appendHex(out, reinterpret_cast<const unsigned char*>(raw.data()), bytes);
  return out;
}

}  // namespace assetd::core
