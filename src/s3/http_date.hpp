#pragma once
// HTTP-date parsing (RFC 9110 section 5.6.7): the preferred IMF-fixdate and the two obsolete
// forms a recipient must still accept, for If-Modified-Since and its relatives.
#include <cstdint>
#include <optional>
#include <string_view>

namespace assetd::s3 {

// Seconds since the Unix epoch of "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate),
// "Sunday, 06-Nov-94 08:49:37 GMT" (RFC 850) or "Sun Nov  6 08:49:37 1994" (asctime); nullopt
// for anything else, an impossible date included. An RFC 850 two-digit year is the one in the
// century of `currentYear` unless that lies more than 50 years ahead, then the century before.
std::optional<std::int64_t> parseHttpDate(std::string_view text, int currentYear);
// The same with the current UTC year.
std::optional<std::int64_t> parseHttpDate(std::string_view text);

}  // namespace assetd::s3
