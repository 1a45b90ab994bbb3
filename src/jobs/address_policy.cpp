#include "jobs/address_policy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace assetd::jobs {
namespace {

IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  IpAddress ip;
  ip.bytes[0] = a;
  ip.bytes[1] = b;
  ip.bytes[2] = c;
  ip.bytes[3] = d;
  return ip;
}

// True when the first `bits` bits of a and b agree.
bool samePrefix(const std::uint8_t* a, const std::uint8_t* b, int bits) {
  int whole = bits / 8;
  if (std::memcmp(a, b, static_cast<std::size_t>(whole)) != 0) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

struct Range {
  Cidr cidr;
  const char* name;
};

Range range(const char* text, const char* name) {
  return Range{Cidr::parse(text), name};
}

const std::vector<Range>& refusedRanges() {
  static const std::vector<Range> ranges = {
      range("0.0.0.0/8", "unspecified"),
      range("10.0.0.0/8", "private"),
      range("100.64.0.0/10", "carrier-grade NAT"),
      range("127.0.0.0/8", "loopback"),
      range("169.254.0.0/16", "link-local"),
      range("172.16.0.0/12", "private"),
      range("192.0.0.0/24", "reserved"),
      range("192.168.0.0/16", "private"),
      range("198.18.0.0/15", "reserved"),
      range("224.0.0.0/4", "multicast"),
      range("240.0.0.0/4", "reserved"),  // with the broadcast address 255.255.255.255
      range("::/128", "unspecified"),
      range("::1/128", "loopback"),
      range("fc00::/7", "private"),  // unique local addresses
      range("fe80::/10", "link-local"),
      range("fec0::/10", "private"),  // site-local, deprecated but still routed by some
      range("ff00::/8", "multicast"),
  };
  return ranges;
}

std::optional<std::string> rangeOf(const IpAddress& address) {
  for (const auto& r : refusedRanges())
    if (r.cidr.contains(address)) return std::string(r.name);
  return std::nullopt;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  std::string s(text);
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.v6 = true;
    return ip;
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::fromSockaddr(const sockaddr* address) {
  if (address == nullptr) return std::nullopt;
  IpAddress ip;
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    std::memcpy(ip.bytes.data(), &in->sin_addr, 4);
    return ip;
  }
  if (address->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    std::memcpy(ip.bytes.data(), &in6->sin6_addr, 16);
    ip.v6 = true;
    return ip;
  }
  return std::nullopt;
}

std::string IpAddress::toString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return text;
}

std::optional<IpAddress> IpAddress::embeddedV4() const {
  if (!v6) return std::nullopt;
  static const std::uint8_t zeros[12] = {};
  static const std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static const std::uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  const std::uint8_t* b = bytes.data();
  if (std::memcmp(b, mapped, 12) == 0 || std::memcmp(b, nat64, 12) == 0)
    return v4(b[12], b[13], b[14], b[15]);
  if (std::memcmp(b, zeros, 12) == 0) {
    // ::/96 carries an IPv4 address, except :: and ::1 themselves.
    bool unspecifiedOrLoopback = b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1;
    if (!unspecifiedOrLoopback) return v4(b[12], b[13], b[14], b[15]);
    return std::nullopt;
  }
  if (b[0] == 0x20 && b[1] == 0x02) return v4(b[2], b[3], b[4], b[5]);  // 6to4
  return std::nullopt;
}

Cidr Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  std::string_view addressText = text.substr(0, slash);
  auto address = IpAddress::parse(addressText);
  if (!address) throw std::invalid_argument("not an IP address: '" + std::string(text) + "'");
  const int maxLength = address->v6 ? 128 : 32;
  int length = maxLength;
  if (slash != std::string_view::npos) {
    std::string_view lengthText = text.substr(slash + 1);
    auto [end, ec] =
        std::from_chars(lengthText.data(), lengthText.data() + lengthText.size(), length);
    if (lengthText.empty() || ec != std::errc() || end != lengthText.data() + lengthText.size() ||
        length < 0 || length > maxLength)
      throw std::invalid_argument("prefix length must be 0.." + std::to_string(maxLength) + ": '" +
                                  std::string(text) + "'");
  }
  return Cidr{*address, length};
}

bool Cidr::contains(const IpAddress& address) const {
  return address.v6 == network.v6 &&
         samePrefix(address.bytes.data(), network.bytes.data(), prefixLength);
}

std::optional<std::string> refusedRange(const IpAddress& address) {
  if (auto name = rangeOf(address)) return name;
  if (auto inner = address.embeddedV4()) {
    if (auto name = rangeOf(*inner)) return name;
  }
  return std::nullopt;
}

bool AddressPolicy::isAllowed(const IpAddress& address) const {
  for (const auto& cidr : allowed_)
    if (cidr.contains(address)) return true;
  if (auto inner = address.embeddedV4()) {
    for (const auto& cidr : allowed_)
      if (cidr.contains(*inner)) return true;
  }
  return false;
}

std::optional<std::string> AddressPolicy::refusal(const IpAddress& address) const {
  auto name = refusedRange(address);
  if (!name || isAllowed(address)) return std::nullopt;
  std::string article = (*name)[0] == 'u' ? "an " : "a ";
  return address.toString() + " is " + article + *name + " address";
}

}  // namespace assetd::jobs
