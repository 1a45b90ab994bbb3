#pragma once
// The pull side of a streaming body, shared by the S3 body decoders here and by blob::BlobStore,
// whose uploads take one.
#include <cstddef>
#include <functional>

namespace assetd::s3 {

// Pulls up to n bytes into buffer; returns 0 at the end. May throw to abort an upload.
using ReadFn = std::function<std::size_t(char* buffer, std::size_t n)>;

}  // namespace assetd::s3
