#include "api/upload_local.hpp"

namespace assetd::api {

bool isServerStoreUrl(const ObjectStoreAccess& objects, std::string_view url) {
  std::string_view base = objects.publicUrl;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  if (base.empty() || objects.bucket.empty()) return false;
  if (!url.starts_with(base)) return false;
  url.remove_prefix(base.size());
  if (!url.starts_with('/')) return false;
  url.remove_prefix(1);
  if (!url.starts_with(objects.bucket)) return false;
  url.remove_prefix(objects.bucket.size());
  if (!url.starts_with('/')) return false;
  std::string_view key = url.substr(1, url.find_first_of("?#") - 1);
  return !key.empty();
}

bool markDataInServerStore(const ObjectStoreAccess& objects, std::vector<core::NewAsset>& assets) {
  bool copies = false;
  for (auto& asset : assets) {
    if (!asset.uploadLocal || asset.data.empty()) continue;
    asset.dataInServerStore = isServerStoreUrl(objects, asset.data);
    copies = copies || !asset.dataInServerStore;
  }
  return copies;
}

}  // namespace assetd::api
