#pragma once
// The query parameters of getUploadUrl and getSignedUrl, validated: core::ApiError 400 naming
// the parameter otherwise.
#include <optional>
#include <string>
#include <string_view>

namespace assetd::api {

// A plain file name: non-empty, at most 1024 bytes of UTF-8, without '/', '\', "..", or
// control characters.
void checkFileName(std::string_view name, const std::string& field = "name");

// One of the seed's six file types; "assets" when absent.
std::string fileType(const std::optional<std::string>& type);

// Where getUploadUrl puts a file: "<type>/<organization>/<project>/<name>".
std::string uploadKey(const std::string& type, const std::string& organization,
                      const std::string& project, const std::string& name);

// A Content-Type a presigned PUT must carry: printable ASCII, "type/subtype[; params]", at most
// 256 bytes.
void checkContentType(std::string_view contentType);

}  // namespace assetd::api
