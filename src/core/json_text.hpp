#pragma once
// Appending JSON text by hand: the fast path for rendering lists of records whose free-form
// fields are already stored as JSON text.
#include <cstdint>
#include <string>
#include <string_view>

namespace assetd::core {

// Appends s as a JSON string literal (quoted, escaped; invalid UTF-8 bytes become U+FFFD).
void appendJsonString(std::string& out, std::string_view s);
// Appends a number in the shortest form that reads back the same (integers without ".0").
void appendJsonNumber(std::string& out, double v);

}  // namespace assetd::core
