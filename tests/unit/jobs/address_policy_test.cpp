// The SSRF address classifier: every refused range, IPv6 and its IPv4-carrying forms, and the
// operator's allow-list.
#include <gtest/gtest.h>

#include <stdexcept>

#include "jobs/address_policy.hpp"

namespace assetd::jobs {
namespace {

IpAddress ip(const char* text) {
  auto parsed = IpAddress::parse(text);
  if (!parsed) throw std::invalid_argument(text);
  return *parsed;
}

std::string rangeOf(const char* text) {
  return refusedRange(ip(text)).value_or("public");
}

TEST(RefusedRange, Ipv4RangesAtTheirEdges) {
  struct Case {
    const char* address;
    const char* range;
  };
  const Case cases[] = {
      {"0.0.0.0", "unspecified"},
      {"0.255.255.255", "unspecified"},
      {"9.255.255.255", "public"},
      {"10.0.0.0", "private"},
      {"10.255.255.255", "private"},
      {"11.0.0.0", "public"},
      {"100.63.255.255", "public"},
      {"100.64.0.0", "carrier-grade NAT"},
      {"100.127.255.255", "carrier-grade NAT"},
      {"100.128.0.0", "public"},
      {"126.255.255.255", "public"},
      {"127.0.0.1", "loopback"},
      {"127.255.255.254", "loopback"},
      {"128.0.0.0", "public"},
      {"169.253.255.255", "public"},
      {"169.254.0.1", "link-local"},
      {"169.254.169.254", "link-local"},  // cloud metadata service
      {"169.255.0.0", "public"},
      {"172.15.255.255", "public"},
      {"172.16.0.0", "private"},
      {"172.31.255.255", "private"},
      {"172.32.0.0", "public"},
      {"192.0.0.8", "reserved"},
      {"192.167.255.255", "public"},
      {"192.168.0.0", "private"},
      {"192.168.255.255", "private"},
      {"192.169.0.0", "public"},
      {"198.18.0.1", "reserved"},
      {"223.255.255.255", "public"},
      {"224.0.0.1", "multicast"},
      {"239.255.255.255", "multicast"},
      {"240.0.0.1", "reserved"},
      {"255.255.255.255", "reserved"},
      {"8.8.8.8", "public"},
      {"93.184.216.34", "public"},
  };
  for (const auto& c : cases) EXPECT_EQ(rangeOf(c.address), c.range) << c.address;
}

TEST(RefusedRange, Ipv6Ranges) {
  struct Case {
    const char* address;
    const char* range;
  };
  const Case cases[] = {
      {"::", "unspecified"},
      {"::1", "loopback"},
      {"fc00::1", "private"},
      {"fd12:3456:789a::1", "private"},
      {"fbff:ffff::1", "public"},
      {"fe00::1", "public"},
      {"fe80::1", "link-local"},
      {"febf:ffff::1", "link-local"},
      {"fec0::1", "private"},
      {"ff02::1", "multicast"},
      {"2001:4860:4860::8888", "public"},
      {"2606:4700::1111", "public"},
  };
  for (const auto& c : cases) EXPECT_EQ(rangeOf(c.address), c.range) << c.address;
}

TEST(RefusedRange, Ipv6FormsOfIpv4AddressesAreJudgedByTheIpv4Address) {
  EXPECT_EQ(rangeOf("::ffff:127.0.0.1"), "loopback");          // IPv4-mapped
  EXPECT_EQ(rangeOf("::ffff:7f00:1"), "loopback");             // the same, in hex
  EXPECT_EQ(rangeOf("::ffff:169.254.169.254"), "link-local");  // metadata, mapped
  EXPECT_EQ(rangeOf("::ffff:10.1.2.3"), "private");
  EXPECT_EQ(rangeOf("::ffff:100.64.0.1"), "carrier-grade NAT");
  EXPECT_EQ(rangeOf("::ffff:0.0.0.0"), "unspecified");
  EXPECT_EQ(rangeOf("::ffff:224.0.0.1"), "multicast");
  EXPECT_EQ(rangeOf("::ffff:8.8.8.8"), "public");
  EXPECT_EQ(rangeOf("::192.168.1.1"), "private");          // IPv4-compatible
  EXPECT_EQ(rangeOf("64:ff9b::a9fe:a9fe"), "link-local");  // NAT64 of 169.254.169.254
  EXPECT_EQ(rangeOf("64:ff9b::808:808"), "public");
  EXPECT_EQ(rangeOf("2002:7f00:1::"), "loopback");  // 6to4 of 127.0.0.1
  EXPECT_EQ(rangeOf("2002:0808:0808::"), "public");
}

TEST(IpAddress, ParsesOnlyPlainAddresses) {
  EXPECT_TRUE(IpAddress::parse("1.2.3.4"));
  EXPECT_TRUE(IpAddress::parse("::1"));
  EXPECT_FALSE(IpAddress::parse("[::1]"));
  EXPECT_FALSE(IpAddress::parse("example.com"));
  EXPECT_FALSE(IpAddress::parse("1.2.3"));
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_EQ(ip("::ffff:7f00:1").toString(), "::ffff:127.0.0.1");
  EXPECT_FALSE(ip("1.2.3.4").embeddedV4());
  EXPECT_FALSE(ip("2001:db8::1").embeddedV4());
}

TEST(Cidr, ParsesAndMatchesPrefixes) {
  Cidr net = Cidr::parse("10.1.0.0/16");
  EXPECT_TRUE(net.contains(ip("10.1.255.255")));
  EXPECT_FALSE(net.contains(ip("10.2.0.0")));
  EXPECT_FALSE(net.contains(ip("::ffff:10.1.0.1")));  // families never mix in a CIDR
  Cidr odd = Cidr::parse("172.16.0.0/12");
  EXPECT_TRUE(odd.contains(ip("172.31.0.1")));
  EXPECT_FALSE(odd.contains(ip("172.32.0.1")));
  EXPECT_TRUE(Cidr::parse("127.0.0.1").contains(ip("127.0.0.1")));
  EXPECT_FALSE(Cidr::parse("127.0.0.1").contains(ip("127.0.0.2")));
  EXPECT_TRUE(Cidr::parse("0.0.0.0/0").contains(ip("203.0.113.9")));
  EXPECT_TRUE(Cidr::parse("fd00::/8").contains(ip("fd12::1")));
  EXPECT_FALSE(Cidr::parse("fd00::/8").contains(ip("fc12::1")));
  EXPECT_TRUE(Cidr::parse("::1/128").contains(ip("::1")));
}

TEST(Cidr, RefusesMalformedText) {
  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/8x",
                          "host.example/8", "10.0.0/8", "/8"})
    EXPECT_THROW(Cidr::parse(bad), std::invalid_argument) << bad;
}

TEST(AddressPolicy, RefusesWithAReasonThatNamesAddressAndRange) {
  AddressPolicy policy;
  EXPECT_EQ(policy.refusal(ip("127.0.0.1")), "127.0.0.1 is a loopback address");
  EXPECT_EQ(policy.refusal(ip("169.254.169.254")), "169.254.169.254 is a link-local address");
  EXPECT_EQ(policy.refusal(ip("0.0.0.0")), "0.0.0.0 is an unspecified address");
  EXPECT_EQ(policy.refusal(ip("fd00::1")), "fd00::1 is a private address");
  EXPECT_FALSE(policy.refusal(ip("93.184.216.34")));
  EXPECT_FALSE(policy.refusal(ip("2606:4700::1111")));
}

TEST(AddressPolicy, AllowListPermitsOnlyWhatItNames) {
  AddressPolicy policy({Cidr::parse("127.0.0.1/32"), Cidr::parse("10.20.0.0/16")});
  EXPECT_FALSE(policy.refusal(ip("127.0.0.1")));
  EXPECT_FALSE(policy.refusal(ip("::ffff:127.0.0.1")));  // the mapped form of an allowed one
  EXPECT_FALSE(policy.refusal(ip("10.20.3.4")));
  EXPECT_TRUE(policy.refusal(ip("127.0.0.2")));
  EXPECT_TRUE(policy.refusal(ip("10.21.0.1")));
  EXPECT_TRUE(policy.refusal(ip("::1")));  // IPv6 loopback is not 127.0.0.1
  EXPECT_TRUE(policy.refusal(ip("169.254.169.254")));
}

TEST(AddressPolicy, Ipv6AllowListEntries) {
  AddressPolicy policy({Cidr::parse("::1"), Cidr::parse("fd00:1::/32")});
  EXPECT_FALSE(policy.refusal(ip("::1")));
  EXPECT_FALSE(policy.refusal(ip("fd00:1:2::3")));
  EXPECT_TRUE(policy.refusal(ip("fd00:2::3")));
  EXPECT_TRUE(policy.refusal(ip("127.0.0.1")));
}

}  // namespace
}  // namespace assetd::jobs
