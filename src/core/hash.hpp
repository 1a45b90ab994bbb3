#pragma once
#include <string>
#include <string_view>

namespace assetd::core {

std::string sha256Hex(std::string_view data);

}  // namespace assetd::core
