#pragma once
// Size limits of decoded request fields, shared by the decoders.
#include <cstddef>

namespace assetd::api::limits {

inline constexpr std::size_t kMaxAssetsPerImport = 100'000;
inline constexpr std::size_t kMaxIdsPerRequest = 100'000;
inline constexpr std::size_t kMaxConversations = 10'000;
inline constexpr std::size_t kMaxBatchesPerProject = 10'000;
inline constexpr std::size_t kMaxExternalIdBytes = 1024;
inline constexpr std::size_t kMaxDataBytes = 8192;  // an asset URL
inline constexpr std::size_t kMaxNameBytes = 256;   // project and batch names, batch refs
inline constexpr std::size_t kMaxIdBytes = 256;     // ids a client sends (storage, project)
inline constexpr std::size_t kMaxDescriptionBytes = 65536;

}  // namespace assetd::api::limits
