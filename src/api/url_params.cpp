#include "api/url_params.hpp"

#include <array>

#include "core/error.hpp"
#include "core/utf8.hpp"

namespace assetd::api {
namespace {

constexpr std::size_t kMaxFileNameBytes = 1024;
constexpr std::size_t kMaxContentTypeBytes = 256;
constexpr std::array<std::string_view, 6> kFileTypes = {
    "assets", "segmentationModels", "brushes", "medicalBrushes", "exports", "instructions"};

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
  if (!core::validUtf8(name)) fail("must be UTF-8");
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
