#pragma once
// Which network addresses a background copy may connect to. A URL from a client must not make
// the server reach what only the server can reach (SSRF): loopback, private networks,
// link-local (and with it the cloud metadata address 169.254.169.254), carrier-grade NAT,
// unspecified, multicast and reserved addresses are refused, in IPv4, IPv6 and the IPv6 forms
// that carry an IPv4 address, unless an operator's allow-list names them.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sockaddr;

namespace assetd::jobs {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  // "10.0.0.1", "::1", "::ffff:127.0.0.1" (no brackets, no zone); nullopt otherwise.
  static std::optional<IpAddress> parse(std::string_view text);
  // AF_INET / AF_INET6 socket addresses; nullopt for any other family.
  static std::optional<IpAddress> fromSockaddr(const sockaddr* address);
  std::string toString() const;
  // The IPv4 address an IPv6 address carries (IPv4-mapped ::ffff:0:0/96, IPv4-compatible
  // ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16), or nullopt.
  std::optional<IpAddress> embeddedV4() const;
};

// "10.0.0.0/8", "fc00::/7", or a plain address (a /32 or /128).
struct Cidr {
  IpAddress network;
  int prefixLength = 0;

  // Throws std::invalid_argument naming what is wrong.
  static Cidr parse(std::string_view text);
  bool contains(const IpAddress& address) const;
};

// The name of the refused range an address lies in ("loopback", "private", "link-local", ...),
// or nullopt when it is a public address. An IPv6 form of an IPv4 address is judged by the
// IPv4 address it carries as well.
std::optional<std::string> refusedRange(const IpAddress& address);

class AddressPolicy {
 public:
  AddressPolicy() = default;
  explicit AddressPolicy(std::vector<Cidr> allowed) : allowed_(std::move(allowed)) {}

  // Why the address is refused ("127.0.0.1 is a loopback address"), or nullopt when a copy
  // may connect to it: a public address, or one the allow-list names (an IPv6 form of an IPv4
  // address is allowed when the IPv4 address is).
  std::optional<std::string> refusal(const IpAddress& address) const;

 private:
  bool isAllowed(const IpAddress& address) const;

  std::vector<Cidr> allowed_;
};

}  // namespace assetd::jobs
