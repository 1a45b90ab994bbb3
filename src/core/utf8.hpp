#pragma once
// UTF-8 validity of text from outside (file names, object keys).
#include <string_view>

namespace assetd::core {

// Well-formed UTF-8: no stray continuation bytes, overlong forms, surrogates or code points
// past U+10FFFF.
bool validUtf8(std::string_view text);

}  // namespace assetd::core
