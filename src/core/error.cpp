#include "core/error.hpp"

#include <cstring>

namespace assetd::core {

ApiError fileSystemError(const std::string& what, int error) {
  std::string detail = what + ": " + std::strerror(error);
  if (isNoSpace(error)) return ApiError::insufficientStorage(detail);
  return ApiError::internal(detail);
}

}  // namespace assetd::core
