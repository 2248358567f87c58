#include "auth/cidr.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace forecourt::auth {
namespace {

constexpr IpAddress kIpv4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
constexpr int kIpv4MappedPrefixBits = 96;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_ipv4_mapped(const IpAddress& a) {
  return std::equal(a.begin(), a.begin() + 12, kIpv4MappedPrefix.begin());
}

// True when the first `bits` bits of a and b agree.
bool same_prefix(const IpAddress& a, const IpAddress& b, int bits) {
  const auto whole_bytes = static_cast<std::size_t>(bits / 8);
  if (!std::equal(a.begin(), a.begin() + static_cast<long>(whole_bytes), b.begin())) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[whole_bytes] & mask) == (b[whole_bytes] & mask);
}

bool host_bits_clear(const IpAddress& a, int prefix_bits) {
  for (int bit = prefix_bits; bit < 128; ++bit) {
    if ((a[static_cast<std::size_t>(bit / 8)] & (0x80 >> (bit % 8))) != 0) return false;
  }
  return true;
}

std::optional<int> parse_prefix_bits(std::string_view text, int max_bits) {
  int bits = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bits);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || bits < 0 ||
      bits > max_bits) {
    return std::nullopt;
  }
  return bits;
}

Problem invalid_cidr(std::string_view entry, std::string detail) {
  return Problem{"invalid_cidr", std::move(detail), std::string(entry)};
}

// "1.2.3.4:80" -> "1.2.3.4"; "[::1]:443" -> "::1"; anything else unchanged.
std::string_view strip_port(std::string_view entry) {
  if (entry.starts_with('[')) {
    const auto close = entry.find(']');
    return close == std::string_view::npos ? entry : entry.substr(1, close - 1);
  }
  const auto colon = entry.find(':');
  const bool ipv4_with_port =
      colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos;
  return ipv4_with_port ? entry.substr(0, colon) : entry;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  text = trim(text);
  const bool ipv6 = text.find(':') != std::string_view::npos;
  if (ipv6) text = text.substr(0, text.find('%'));  // link-local zone: not part of the address
  if (text.empty() || text.size() > 45) return std::nullopt;  // INET6_ADDRSTRLEN - 1
  const std::string c_text(text);
  IpAddress address{};
  if (ipv6) {
    if (inet_pton(AF_INET6, c_text.c_str(), address.data()) != 1) return std::nullopt;
    return address;
  }
  address = kIpv4MappedPrefix;
  if (inet_pton(AF_INET, c_text.c_str(), address.data() + 12) != 1) return std::nullopt;
  return address;
}

std::string format_ip(const IpAddress& address) {
  char text[INET6_ADDRSTRLEN] = {};
  const bool ipv4 = is_ipv4_mapped(address);
  const void* bytes = ipv4 ? address.data() + 12 : address.data();
  if (inet_ntop(ipv4 ? AF_INET : AF_INET6, bytes, text, sizeof text) == nullptr) return {};
  return text;
}

Result<CidrList::Block> CidrList::parse_block(std::string_view entry) {
  const auto slash = entry.find('/');
  const std::string_view address_text = entry.substr(0, slash);
  auto address = parse_ip(address_text);
  if (!address) return invalid_cidr(entry, "not an IP address or CIDR block");
  const bool ipv4 = address_text.find(':') == std::string_view::npos;
  Block block{*address, 128};
  if (slash != std::string_view::npos) {
    auto bits = parse_prefix_bits(entry.substr(slash + 1), ipv4 ? 32 : 128);
    if (!bits) return invalid_cidr(entry, "the prefix length is missing or out of range");
    block.prefix_bits = ipv4 ? *bits + kIpv4MappedPrefixBits : *bits;
  }
  // Host bits set: the writer probably meant another block than the one written.
  if (!host_bits_clear(block.network, block.prefix_bits))
    return invalid_cidr(entry, "host bits are set; use the network address");
  return block;
}

Result<CidrList> CidrList::parse(std::string_view comma_separated) {
  CidrList list;
  while (!comma_separated.empty()) {
    const auto comma = comma_separated.find(',');
    const std::string_view entry = trim(comma_separated.substr(0, comma));
    comma_separated =
        comma == std::string_view::npos ? std::string_view{} : comma_separated.substr(comma + 1);
    if (entry.empty()) continue;
    auto block = parse_block(entry);
    if (!block) return block.problem();
    list.blocks_.push_back(*block);
  }
  return list;
}

bool CidrList::contains(std::string_view ip) const {
  auto address = parse_ip(ip);
  return address && contains(*address);
}

bool CidrList::contains(const IpAddress& address) const {
  for (const Block& block : blocks_) {
    if (same_prefix(block.network, address, block.prefix_bits)) return true;
  }
  return false;
}

std::string client_ip(std::string_view peer_ip, std::string_view x_forwarded_for,
                      const CidrList& trusted_proxies) {
  auto peer = parse_ip(peer_ip);
  if (!peer) return std::string(trim(peer_ip));
  IpAddress client = *peer;
  if (!trusted_proxies.contains(client)) return format_ip(client);
  while (!trim(x_forwarded_for).empty()) {
    const auto comma = x_forwarded_for.rfind(',');
    const std::string_view entry =
        trim(comma == std::string_view::npos ? x_forwarded_for : x_forwarded_for.substr(comma + 1));
    x_forwarded_for =
        comma == std::string_view::npos ? std::string_view{} : x_forwarded_for.substr(0, comma);
    auto hop = parse_ip(strip_port(entry));
    if (!hop) break;
    client = *hop;
    if (!trusted_proxies.contains(client)) break;
  }
  return format_ip(client);
}

}  // namespace forecourt::auth
