#include "app/config.hpp"

#include <charconv>
#include <filesystem>
#include <stdexcept>

namespace assetd::app {

HostPort parseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw std::invalid_argument("--listen must be HOST:PORT, got '" + listen + "'");
  HostPort out;
  out.host = listen.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host == "localhost") out.host = "127.0.0.1";
  std::string port = listen.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535)
    throw std::invalid_argument("--listen port must be 0..65535, got '" + port + "'");
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

std::string databasePath(const std::string& dataDir) {
  return (std::filesystem::path(dataDir) / "assetd.db").string();
}

}  // namespace assetd::app
