#include "auth/cidr.hpp"

#include <gtest/gtest.h>

namespace forecourt::auth {
namespace {

CidrList list(std::string_view text) {
  auto parsed = CidrList::parse(text);
  EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.problem().detail);
  return parsed ? *parsed : CidrList{};
}

TEST(Cidr, ParsesTheDocumentedExample) {
  const CidrList allow = list("10.0.0.0/8, 127.0.0.1, ::1, 2001:db8::/32");
  EXPECT_EQ(allow.size(), 4u);
  for (std::string_view inside : {"10.0.0.0", "10.1.2.3", "10.255.255.255", "127.0.0.1", "::1",
                                  "2001:db8::", "2001:db8:ffff:1::5", "::ffff:127.0.0.1",
                                  "::ffff:10.9.9.9", "::FFFF:7f00:1", " 10.1.1.1 "}) {
    EXPECT_TRUE(allow.contains(inside)) << inside;
  }
  for (std::string_view outside : {"11.0.0.1", "9.255.255.255", "127.0.0.2", "::2", "2001:db9::",
                                   "2001:db7:ffff::", "::ffff:127.0.0.2", "0.0.0.0", "::"}) {
    EXPECT_FALSE(allow.contains(outside)) << outside;
  }
}

TEST(Cidr, PrefixBoundaries) {
  const CidrList nets =
      list("192.168.1.0/24,172.16.0.0/12,198.51.100.7/32,203.0.113.0/31,2001:db8:8000::/33");
  EXPECT_TRUE(nets.contains("192.168.1.0"));
  EXPECT_TRUE(nets.contains("192.168.1.255"));
  EXPECT_FALSE(nets.contains("192.168.2.0"));
  EXPECT_FALSE(nets.contains("192.168.0.255"));
  EXPECT_TRUE(nets.contains("172.31.255.255"));
  EXPECT_FALSE(nets.contains("172.32.0.0"));
  EXPECT_FALSE(nets.contains("172.15.255.255"));
  EXPECT_TRUE(nets.contains("198.51.100.7"));
  EXPECT_FALSE(nets.contains("198.51.100.6"));
  EXPECT_TRUE(nets.contains("203.0.113.1"));
  EXPECT_FALSE(nets.contains("203.0.113.2"));
  EXPECT_TRUE(nets.contains("2001:db8:8000::1"));
  EXPECT_TRUE(nets.contains("2001:db8:ffff::1"));
  EXPECT_FALSE(nets.contains("2001:db8:7fff::1"));
}

TEST(Cidr, WholeFamilies) {
  const CidrList v4 = list("0.0.0.0/0");
  EXPECT_TRUE(v4.contains("1.2.3.4"));
  EXPECT_TRUE(v4.contains("::ffff:1.2.3.4"));
  EXPECT_FALSE(v4.contains("2001:db8::1"));
  const CidrList all = list("::/0");
  EXPECT_TRUE(all.contains("2001:db8::1"));
  EXPECT_TRUE(all.contains("1.2.3.4")) << "IPv4 lives inside ::ffff:0:0/96";
}

TEST(Cidr, Ipv4BlocksDoNotMatchIpv4CompatibleOrNat64Addresses) {
  const CidrList ten = list("10.0.0.0/8");
  EXPECT_FALSE(ten.contains("::10.0.0.1"));
  EXPECT_FALSE(ten.contains("64:ff9b::10.0.0.1"));
}

TEST(Cidr, Ipv4MappedBlocksWrittenAsIpv6) {
  const CidrList mapped = list("::ffff:10.0.0.0/104");
  EXPECT_TRUE(mapped.contains("10.20.30.40"));
  EXPECT_FALSE(mapped.contains("11.0.0.0"));
}

TEST(Cidr, IgnoresBlanksAndEmptyEntries) {
  EXPECT_TRUE(list("").empty());
  EXPECT_TRUE(list("  ").empty());
  EXPECT_TRUE(list(" , ,").empty());
  EXPECT_EQ(list("10.0.0.0/8,, ::1 ,").size(), 2u);
  EXPECT_EQ(list("\t10.0.0.0/8\t").size(), 1u);
  EXPECT_FALSE(list("").contains("127.0.0.1"));
}

TEST(Cidr, ZoneIdsAreIgnored) { EXPECT_TRUE(list("fe80::/10").contains("fe80::1%eth0")); }

TEST(Cidr, RefusesMalformedEntries) {
  for (std::string_view bad :
       {"10.0.0.0/33", "10.0.0.0/-1",     "10.0.0.0/",   "10.0.0.0/+8", "10.0.0.0/8x",
        "10.0.0/8",    "10.0.0.256",      "abc",         "10.0.0.1/8",  "2001:db8::1/32",
        "::1/129",     "1.2.3.4 5.6.7.8", "10.0.0.0/ 8", "10.0.0.0//8", "1.2.3.4:80",
        "[::1]",       "2001:db8:::/32",  "010.0.0.1",   "0x0a.0.0.1",  "1.2.3"}) {
    SCOPED_TRACE(bad);
    auto parsed = CidrList::parse(std::string("127.0.0.1, ") + std::string(bad));
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.problem().code, "invalid_cidr");
    EXPECT_EQ(parsed.problem().field, bad) << "the problem names the offending entry";
  }
}

TEST(Cidr, ContainsIsFalseForNonAddresses) {
  const CidrList all = list("0.0.0.0/0, ::/0");
  for (std::string_view bad :
       {"", "not-an-ip", "1.2.3.4:80", "[::1]", "1.2.3.4/32", "1.2.3", "256.0.0.1", "::g"}) {
    EXPECT_FALSE(all.contains(bad)) << bad;
  }
}

TEST(Cidr, ParseAndFormatCanonicalise) {
  EXPECT_EQ(format_ip(parse_ip("::ffff:1.2.3.4").value()), "1.2.3.4");
  EXPECT_EQ(format_ip(parse_ip("1.2.3.4").value()), "1.2.3.4");
  EXPECT_EQ(format_ip(parse_ip("2001:DB8:0:0:0:0:0:1").value()), "2001:db8::1");
  EXPECT_EQ(format_ip(parse_ip("::1").value()), "::1");
  EXPECT_EQ(parse_ip("1.2.3.4"), parse_ip("::ffff:1.2.3.4"));
  EXPECT_FALSE(parse_ip(std::string(100, '1')));
}

// Load balancers on 10/8 and fd00::/8.
CidrList proxies() { return CidrList::parse("10.0.0.0/8, fd00::/8").value(); }

TEST(CidrClientIp, UntrustedPeerIgnoresForwardedFor) {
  EXPECT_EQ(client_ip("203.0.113.7", "10.0.0.1", proxies()), "203.0.113.7");
  EXPECT_EQ(client_ip("203.0.113.7", "198.51.100.2, 10.0.0.2", proxies()), "203.0.113.7");
  EXPECT_EQ(client_ip("::ffff:203.0.113.7", "1.1.1.1", proxies()), "203.0.113.7")
      << "canonical form";
}

TEST(CidrClientIp, TrustedPeerUsesTheRightmostUntrustedHop) {
  EXPECT_EQ(client_ip("10.0.0.3", "198.51.100.2", proxies()), "198.51.100.2");
  EXPECT_EQ(client_ip("10.0.0.3", "198.51.100.2, 10.0.0.2", proxies()), "198.51.100.2");
  EXPECT_EQ(client_ip("10.0.0.3", "1.1.1.1, 198.51.100.2, 10.0.0.2", proxies()), "198.51.100.2")
      << "entries left of the first untrusted hop are the client's own claims";
  EXPECT_EQ(client_ip("::ffff:10.0.0.3", "198.51.100.2", proxies()), "198.51.100.2");
  EXPECT_EQ(client_ip("fd00::3", "2001:db8::7, fd00::2", proxies()), "2001:db8::7");
}

TEST(CidrClientIp, AllHopsTrustedMeansTheLeftmost) {
  EXPECT_EQ(client_ip("10.0.0.3", "10.0.0.5, 10.0.0.2", proxies()), "10.0.0.5");
  EXPECT_EQ(client_ip("10.0.0.3", "", proxies()), "10.0.0.3");
  EXPECT_EQ(client_ip("10.0.0.3", "  ", proxies()), "10.0.0.3");
}

TEST(CidrClientIp, MalformedEntryEndsTheWalk) {
  EXPECT_EQ(client_ip("10.0.0.3", "198.51.100.2, garbage, 10.0.0.2", proxies()), "10.0.0.2");
  EXPECT_EQ(client_ip("10.0.0.3", "1.2.3.4, unknown", proxies()), "10.0.0.3");
  EXPECT_EQ(client_ip("10.0.0.3", "1.2.3.4,,", proxies()), "10.0.0.3");
  EXPECT_EQ(client_ip("10.0.0.3", "<script>", proxies()), "10.0.0.3");
}

TEST(CidrClientIp, StripsPortsAndBlanks) {
  EXPECT_EQ(client_ip("10.0.0.3", "198.51.100.2:4711", proxies()), "198.51.100.2");
  EXPECT_EQ(client_ip("10.0.0.3", "[2001:db8::7]:443", proxies()), "2001:db8::7");
  EXPECT_EQ(client_ip("10.0.0.3", "[2001:db8::7]", proxies()), "2001:db8::7");
  EXPECT_EQ(client_ip("10.0.0.3", "  198.51.100.2 ,10.0.0.2 ", proxies()), "198.51.100.2");
}

TEST(CidrClientIp, NoTrustedProxiesMeansThePeer) {
  EXPECT_EQ(client_ip("10.0.0.3", "198.51.100.2", CidrList{}), "10.0.0.3");
}

TEST(CidrClientIp, UnparsablePeerIsReturnedTrimmed) {
  EXPECT_EQ(client_ip(" unix-socket ", "198.51.100.2", proxies()), "unix-socket");
}

}  // namespace
}  // namespace forecourt::auth
