#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace assetd::core {

// Milliseconds since the Unix epoch, UTC.
std::int64_t nowMillis();
// "2026-11-28T14:40:29.123Z".
std::string isoMillis(std::int64_t ms);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fraction]]" with "Z", "+HH:MM" or no zone (UTC).
std::optional<std::int64_t> parseIsoMillis(std::string_view s);

}  // namespace assetd::core
