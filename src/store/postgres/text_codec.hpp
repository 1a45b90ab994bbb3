#pragma once
// PostgreSQL text cannot hold a NUL byte nor bytes that are not UTF-8, and jsonb refuses the
// escape \u0000; the store's strings are arbitrary bytes (SQLite keeps them as given). Every text
// value therefore crosses the wire in a reversible form:
//
//   0x00 -> 0x01 0x01,  0x01 -> 0x01 0x02,  a byte b outside any UTF-8 sequence -> 0x01 and
//   the UTF-8 of U+0100 + b;  everything else as is.
//
// The mapping is injective and keeps prefixes (a string starts with p exactly when its form
// starts with p's form, for UTF-8 p), so equality and prefix filters work on the stored form.
// Valid UTF-8 without NUL or 0x01 — ids, JSON text, almost every name — is unchanged.
#include <string>
#include <string_view>

namespace assetd::store::postgres {

std::string encodeText(std::string_view raw);
std::string decodeText(std::string_view stored);

// JSON text for a jsonb column: the escapes \u0000 and \u0001 inside strings become the escapes
// of encodeText's form (\u0001\u0001, \u0001\u0002), so that the jsonb's strings are the
// encoded strings and compare with encoded filter values; the non-JSON numbers a serializer may
// write for overflowing values (Infinity, -Infinity, NaN) become 1e99999, -1e99999 and null.
// Other text is unchanged.
std::string jsonbSafe(std::string_view json);

// A JSON string literal ("...") holding `text` (already encoded): quotes, backslashes and
// control characters escaped, so it can sit in JSON or jsonpath text.
std::string jsonQuote(std::string_view text);

}  // namespace assetd::store::postgres
