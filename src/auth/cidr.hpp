#pragma once
// IP allowlists (ADMIN_IP_ALLOWLIST, TRUSTED_PROXIES) and the client address behind
// trusted reverse proxies.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace forecourt::auth {

// 16 bytes; IPv4 is held in its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so "127.0.0.1" and
// "::ffff:127.0.0.1" (what a dual-stack socket reports) are the same address.
using IpAddress = std::array<std::uint8_t, 16>;

// Dotted IPv4 or RFC 4291 IPv6 text; an IPv6 zone ("%eth0") is ignored. No ports, no brackets.
std::optional<IpAddress> parse_ip(std::string_view text);
// Canonical text: dotted quad for IPv4 (also when it arrived IPv4-mapped), RFC 5952 for IPv6.
std::string format_ip(const IpAddress& address);

class CidrList {
 public:
  // "10.0.0.0/8, 127.0.0.1, ::1, 2001:db8::/32": blocks or single addresses, comma-separated,
  // blanks ignored. A block with host bits set ("10.0.0.1/8") is refused rather than guessed
  // at ("invalid_cidr", field = the entry). Note "::/0" also covers every IPv4 address.
  static Result<CidrList> parse(std::string_view comma_separated);

  // False for text that is not an IP address.
  [[nodiscard]] bool contains(std::string_view ip) const;
  [[nodiscard]] bool contains(const IpAddress& address) const;
  [[nodiscard]] bool empty() const { return blocks_.empty(); }
  [[nodiscard]] std::size_t size() const { return blocks_.size(); }

 private:
  struct Block {
    IpAddress network{};
    int prefix_bits = 128;
  };
  static Result<Block> parse_block(std::string_view entry);

  std::vector<Block> blocks_;
};

// The address of the client that made the request. When the TCP peer is a trusted proxy,
// X-Forwarded-For is read from the right, skipping trusted proxies; the first address that
// is not one is the client (if all are trusted, the leftmost). When the peer is not trusted,
// X-Forwarded-For is ignored: anyone can write it. An unparsable entry ends the walk at the
// last good hop, so attacker-chosen text never becomes the client identity. Entries may
// carry a port ("1.2.3.4:5678", "[2001:db8::1]:443"). Returned in format_ip form.
std::string client_ip(std::string_view peer_ip, std::string_view x_forwarded_for,
                      const CidrList& trusted_proxies);

}  // namespace forecourt::auth
