// Decoding of POST /project/{id}/cloud: up to 100,000 assets in one body, so the per-asset path
// avoids building strings until an error needs one.
#include <unordered_map>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/decode.hpp"
#include "api/decode_limits.hpp"
#include "api/json_input.hpp"
#include "api/prelabel.hpp"
#include "core/error.hpp"

namespace assetd::api {
namespace {

using json_input::Path;
using json_input::view;
namespace json = boost::json;

constexpr std::string_view kEditorTypes[] = {"ango", "pct", "llm", "nrrd", "iframe"};

bool isEditorType(std::string_view s) {
  for (std::string_view t : kEditorTypes)
    if (s == t) return true;
  return false;
}

// The default externalId: the URL's last path segment ("https://b/k/img.jpg?x=1" -> "img.jpg";
// a PCT folder "https://b/scene/" -> "scene").
std::string_view lastPathSegment(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  std::size_t slash = url.rfind('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

bool readUploadLocal(const json::value& v, const Path& path) {
  if (v.is_null()) return false;
  if (v.is_bool()) return v.get_bool();
  if (v.is_string()) {
    if (v.get_string() == "true") return true;
    if (v.get_string() == "false") return false;
  }
  path.fail(R"(must be true, false, "true", "false" or null)");
}

std::vector<std::string> decodeBatchesQuery(const std::string& text) {
  static constexpr const char* kMessage = "must be a JSON array of batch ids or names";
  try {
    json_input::Document doc(text, "batches");
    return json_input::readStringList(doc.root(), Path::root("batches"), limits::kMaxNameBytes);
  } catch (const core::ApiError&) {
    throw core::ApiError::badRequest("batches", kMessage);
  }
}

class AssetDecoder {
 public:
  AssetDecoder(DecodedImport& out, const PreLabelValidator& validator,
               const std::function<bool(const std::string&)>& storageExists, bool uploadLocal,
               double priority)
      : out_(out),
        validator_(validator),
        storageExists_(storageExists),
        uploadLocal_(uploadLocal),
        priority_(priority) {}

  void decode(const json::value& item, const Path& asset, core::NewAsset& a);

 private:
  void readPreLabel(const json::value& v, const Path& path, core::NewAsset& a);
  void checkStorage(const std::string& id, const Path& path);

  DecodedImport& out_;
  const PreLabelValidator& validator_;
  const std::function<bool(const std::string&)>& storageExists_;
  std::unordered_map<std::string, bool> knownStorages_;  // bodies repeat one storage id
  bool uploadLocal_;
  double priority_;
};

void AssetDecoder::decode(const json::value& item, const Path& asset, core::NewAsset& a) {
  if (!item.is_object()) asset.fail("must be an object");
  std::string_view firstDatasetUrl;
  bool ownPriority = false;
  for (const auto& field : item.get_object()) {
    const std::string_view key = view(field.key());
    const json::value& v = field.value();
    const Path path = asset.field(key);
    if (key == "data") {
      if (!v.is_null()) a.data = json_input::readString(v, path, limits::kMaxDataBytes, false);
    } else if (key == "externalId") {
      if (!v.is_null())
        a.externalId = json_input::readString(v, path, limits::kMaxExternalIdBytes, true);
    } else if (key == "metadata") {
      if (!v.is_null()) a.metadataJson = json_input::compact(json_input::readMetadata(v, path));
    } else if (key == "contextData") {
      if (!v.is_null()) a.contextDataJson = json_input::compact(json_input::readObject(v, path));
    } else if (key == "batches") {
      if (!v.is_null()) a.batchRefs = json_input::readStringList(v, path, limits::kMaxNameBytes);
    } else if (key == "storage") {
      if (!v.is_null()) a.storageId = json_input::readString(v, path, limits::kMaxIdBytes, false);
    } else if (key == "priority") {
      if (!v.is_null()) {
        a.priority = json_input::readPriority(v, path);
        ownPriority = true;
      }
    } else if (key == "editorType") {
      if (!v.is_null()) {
        if (!v.is_string() || !isEditorType(view(v.get_string())))
          path.fail("must be one of ango, pct, llm, nrrd, iframe");
        a.editorType = view(v.get_string());
      }
    } else if (key == "preLabel") {
      if (!v.is_null()) readPreLabel(v, path, a);
    } else if (key == "overlay") {
      if (!v.is_null()) a.overlayJson = json_input::readStringArrayJson(v, path);
    } else if (key == "dataset") {
      if (v.is_null()) continue;
      if (!v.is_array() || v.get_array().empty()) path.fail("must be a non-empty array of URLs");
      const json::array& urls = v.get_array();
      for (std::size_t j = 0; j < urls.size(); ++j)
        json_input::readString(urls[j], path.at(j), limits::kMaxDataBytes, false);
      firstDatasetUrl = view(urls[0].get_string());
      a.datasetJson = json_input::compact(v);
    } else {
      path.fail("unknown field");
    }
  }

  if (a.data.empty() && a.datasetJson.empty()) asset.field("data").fail("required");
  if (a.editorType == "pct") {
    if (a.data.empty() || a.data.back() != '/')
      asset.field("data").fail(R"(must be a folder URL ending in "/" for editorType pct)");
    if (a.storageId.empty()) asset.field("storage").fail("required for editorType pct");
  }
  if (!a.storageId.empty()) checkStorage(a.storageId, asset.field("storage"));
  if (a.externalId.empty()) {
    a.externalId = lastPathSegment(a.data.empty() ? firstDatasetUrl : std::string_view(a.data));
    if (a.externalId.empty() || a.externalId.size() > limits::kMaxExternalIdBytes)
      asset.field("externalId")
          .fail("required when the URL's last path segment is empty or over 1024 bytes");
  }
  if (!ownPriority) a.priority = priority_;
  a.uploadLocal = uploadLocal_;
}

void AssetDecoder::readPreLabel(const json::value& v, const Path& path, core::NewAsset& a) {
  const json::object& preLabel = json_input::readObject(v, path);
  a.preLabelJson = json_input::compact(preLabel);
  if (preLabel.empty()) return;
  a.isPreLabeled = true;
  ++out_.preLabelsCount;
  if (validator_.isValid(preLabel)) ++out_.validPreLabelsCount;
}

void AssetDecoder::checkStorage(const std::string& id, const Path& path) {
  auto known = knownStorages_.find(id);
  bool exists = known != knownStorages_.end()
                    ? known->second
                    : knownStorages_.emplace(id, storageExists_(id)).first->second;
  if (!exists) path.fail("no such storage");
}

}  // namespace

DecodedImport decodeCloudImport(std::string_view body,
                                const std::optional<std::string>& batchesQuery,
                                const PreLabelValidator& validator,
                                const std::function<bool(const std::string&)>& storageExists) {
  json_input::Document doc(body, "body");
  const Path top = Path::root();
  const json::value* assets = nullptr;
  bool uploadLocal = false;
  double priority = 0;
  for (const auto& field : doc.rootObject()) {
    const std::string_view key = view(field.key());
    const Path path = top.field(key);
    if (key == "assets") {
      assets = &field.value();
    } else if (key == "uploadLocal") {
      uploadLocal = readUploadLocal(field.value(), path);
    } else if (key == "priority") {
      if (!field.value().is_null()) priority = json_input::readPriority(field.value(), path);
    } else {
      path.fail("unknown field");
    }
  }

  const Path assetsPath = Path::root("assets");
  if (!assets || assets->is_null()) assetsPath.fail("required");
  if (!assets->is_array()) assetsPath.fail("must be an array of assets");
  const json::array& items = assets->get_array();
  if (items.empty()) assetsPath.fail("must not be empty");
  if (items.size() > limits::kMaxAssetsPerImport)
    assetsPath.fail("at most " + std::to_string(limits::kMaxAssetsPerImport) +
                    " assets per request");

  DecodedImport out;
  if (batchesQuery) out.request.commonBatchRefs = decodeBatchesQuery(*batchesQuery);
  out.request.assets.resize(items.size());
  AssetDecoder decoder(out, validator, storageExists, uploadLocal, priority);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Path asset = assetsPath.at(i);
    decoder.decode(items[i], asset, out.request.assets[i]);
  }
  return out;
}

}  // namespace assetd::api
