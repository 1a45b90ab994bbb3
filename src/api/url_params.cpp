#include "api/url_params.hpp"

#include <array>

#include "core/error.hpp"

namespace assetd::api {
namespace {

constexpr std::size_t kMaxFileNameBytes = 1024;
constexpr std::size_t kMaxContentTypeBytes = 256;
constexpr std::array<std::string_view, 6> kFileTypes = {
    "assets", "segmentationModels", "brushes", "medicalBrushes", "exports", "instructions"};

// Well-formed UTF-8: no stray continuation bytes, no overlong forms, no surrogates.
bool validUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80           ? 1
                    : (b >> 5) == 0x6  ? 2
                    : (b >> 4) == 0xe  ? 3
                    : (b >> 3) == 0x1e ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? b : b & (0x7f >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

}  // namespace

void checkFileName(std::string_view name, const std::string& field) {
  auto fail = [&](const std::string& what) { throw core::ApiError::badRequest(field, what); };
  if (name.empty()) fail("required");
  if (name.size() > kMaxFileNameBytes) fail("must be at most 1024 bytes");
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      fail("must not contain control characters");
    if (c == '/' || c == '\\') fail("must be a plain file name, without '/' or '\\'");
  }
  if (name.find("..") != std::string_view::npos) fail("must not contain '..'");
  if (name == ".") fail("must be a plain file name");
  if (!validUtf8(name)) fail("must be UTF-8");
}

std::string fileType(const std::optional<std::string>& type) {
  if (!type) return "assets";
  for (auto known : kFileTypes)
    if (*type == known) return *type;
  throw core::ApiError::badRequest(
      "type",
      "must be one of assets, segmentationModels, brushes, medicalBrushes, exports, instructions");
}

std::string uploadKey(const std::string& type, const std::string& organization,
                      const std::string& project, const std::string& name) {
  return type + "/" + organization + "/" + project + "/" + name;
}

void checkContentType(std::string_view contentType) {
  auto fail = [](const std::string& what) {
    throw core::ApiError::badRequest("contentType", what);
  };
  if (contentType.empty()) fail("must not be empty");
  if (contentType.size() > kMaxContentTypeBytes) fail("must be at most 256 bytes");
  for (char c : contentType)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      fail("must be printable ASCII");
  auto slash = contentType.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == contentType.size() ||
      contentType.front() == ' ')
    fail("must be a media type such as image/png");
}

}  // namespace assetd::api
