// Decoding of the small JSON bodies: asset patch, delete, assignBatches, projects, batches.
// Cloud and chat imports live in decode_import.cpp and decode_chat.cpp.
#include "api/decode.hpp"

#include <unordered_set>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/decode_limits.hpp"
#include "api/json_input.hpp"
#include "core/error.hpp"

namespace assetd::api {
namespace {

using json_input::Path;
using json_input::view;
namespace json = boost::json;

constexpr std::string_view kEmptyCategorySchema =
    R"({"tools":[],"classifications":[],"relations":[]})";
constexpr std::string_view kCategoryLists[] = {"tools", "classifications", "relations"};
constexpr std::string_view kProjectTypes[] = {"ango", "pct", "iframe", "llm"};

[[noreturn]] void failNoField() {
  Path::root("body").fail("no updatable field given");
}

std::string readName(const json::value& v, const Path& path) {
  return std::string(json_input::readString(v, path, limits::kMaxNameBytes, false));
}

std::string readDescription(const json::value& v, const Path& path) {
  if (v.is_null()) return {};
  return std::string(json_input::readString(v, path, limits::kMaxDescriptionBytes, true));
}

// A categorySchema object whose tools/classifications/relations are arrays of objects; the
// missing ones are added empty so that every reader finds all three.
std::string readCategorySchema(const json::value& v, const Path& path, json_input::Document& doc) {
  const json::object& schema = json_input::readObject(v, path);
  bool complete = true;
  for (std::string_view name : kCategoryLists) {
    const json::value* list = schema.if_contains(name);
    if (!list) {
      complete = false;
      continue;
    }
    const Path listPath = path.field(name);
    if (!list->is_array()) listPath.fail("must be an array of objects");
    const json::array& items = list->get_array();
    for (std::size_t i = 0; i < items.size(); ++i)
      if (!items[i].is_object()) listPath.at(i).fail("must be an object");
  }
  if (complete) return json_input::compact(schema);
  json::object filled(schema, doc.storage());
  for (std::string_view name : kCategoryLists)
    if (!filled.contains(name)) filled.emplace(name, json::array(doc.storage()));
  return json_input::compact(filled);
}

std::string readProjectType(const json::value& v, const Path& path) {
  if (v.is_string())
    for (std::string_view t : kProjectTypes)
      if (v.get_string() == t) return std::string(t);
  path.fail("must be one of ango, pct, iframe, llm");
}

// A non-empty array of non-empty id strings (at most kMaxIdsPerRequest), duplicates dropped so
// that an asset named twice is modified, and counted, once.
std::vector<std::string> readIdList(const json::value& v, const Path& path) {
  if (!v.is_array() || v.get_array().empty()) path.fail("must be a non-empty array of asset ids");
  const json::array& items = v.get_array();
  if (items.size() > limits::kMaxIdsPerRequest)
    path.fail("at most " + std::to_string(limits::kMaxIdsPerRequest) + " ids per request");
  std::vector<std::string> ids;
  ids.reserve(items.size());
  std::unordered_set<std::string_view> seen;
  seen.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Path item = path.at(i);
    std::string_view id = json_input::readString(items[i], item, limits::kMaxIdBytes, false);
    if (seen.insert(id).second) ids.emplace_back(id);
  }
  return ids;
}

std::optional<std::string> readOptionalId(const json::value& v, const Path& path) {
  if (v.is_null()) return std::nullopt;
  return std::string(json_input::readString(v, path, limits::kMaxIdBytes, false));
}

}  // namespace

core::AssetPatch decodeAssetPatch(std::string_view body) {
  json_input::Document doc(body, "body");
  const json::object& root = doc.rootObject();
  if (root.empty()) failNoField();
  core::AssetPatch patch;
  const Path top = Path::root();
  for (const auto& field : root) {
    const std::string_view key = view(field.key());
    const json::value& v = field.value();
    const Path path = top.field(key);
    if (key == "metadata") {
      patch.metadataJson =
          v.is_null() ? "{}" : json_input::compact(json_input::readMetadata(v, path));
    } else if (key == "contextData") {
      patch.contextDataJson =
          v.is_null() ? "" : json_input::compact(json_input::readObject(v, path));
    } else if (key == "data") {
      patch.data = json_input::readString(v, path, limits::kMaxDataBytes, false);
    } else if (key == "overlay") {
      patch.overlayJson = v.is_null() ? "" : json_input::readStringArrayJson(v, path);
    } else if (key == "externalId") {
      patch.externalId = json_input::readString(v, path, limits::kMaxExternalIdBytes, false);
    } else {
      path.fail("unknown field");
    }
  }
  return patch;
}

DecodedDelete decodeDeleteAssets(std::string_view body) {
  json_input::Document doc(body, "body");
  const json::value* assets = nullptr;
  const Path top = Path::root();
  for (const auto& field : doc.rootObject()) {
    const std::string_view key = view(field.key());
    if (key == "assets") {
      assets = &field.value();
    } else if (key != "project") {  // the SDK names the project the route already names
      top.field(key).fail("unknown field");
    }
  }
  const Path path = Path::root("assets");
  if (!assets || !assets->is_array()) path.fail("must be an array of asset ids");
  const json::array& items = assets->get_array();
  if (items.size() > limits::kMaxIdsPerRequest)
    path.fail("at most " + std::to_string(limits::kMaxIdsPerRequest) + " ids per request");
  DecodedDelete out;
  out.ids.reserve(items.size());
  for (const json::value& item : items) {
    if (item.is_string())
      out.ids.emplace_back(view(item.get_string()));
    else
      ++out.malformed;
  }
  return out;
}

core::AssignRequest decodeAssignBatches(std::string_view body) {
  json_input::Document doc(body, "body");
  core::AssignRequest out;
  const json::value* ids = nullptr;
  const json::value* batches = nullptr;
  std::string_view idsKey;
  const Path top = Path::root();
  for (const auto& field : doc.rootObject()) {
    const std::string_view key = view(field.key());
    const json::value& v = field.value();
    const Path path = top.field(key);
    if (key == "assetIds" || key == "assets") {
      if (ids) path.fail("give either assetIds or assets, not both");
      ids = &v;
      idsKey = key;
    } else if (key == "batches") {
      batches = &v;
    } else if (key == "mode") {
      if (v.is_string() && v.get_string() == "replace")
        out.replace = true;
      else if (!v.is_null() && !(v.is_string() && v.get_string() == "add"))
        path.fail(R"(must be "add" or "replace")");
    } else if (key == "projectId" || key == "project") {
      std::optional<std::string> id = readOptionalId(v, path);
      if (id && out.projectId && *id != *out.projectId)
        path.fail("does not match the project named in the same body");
      if (id) out.projectId = std::move(id);
    } else {
      path.fail("unknown field");
    }
  }
  if (!ids) Path::root("assetIds").fail("required");
  out.assetIds = readIdList(*ids, Path::root(idsKey));
  const Path batchesPath = Path::root("batches");
  if (!batches) batchesPath.fail("required");
  out.batchRefs = json_input::readStringList(*batches, batchesPath, limits::kMaxNameBytes);
  if (out.batchRefs.empty() && !out.replace)
    batchesPath.fail("must not be empty unless mode is replace");
  return out;
}

core::NewProject decodeNewProject(std::string_view body) {
  json_input::Document doc(body, "body");
  core::NewProject out;
  out.categorySchemaJson = kEmptyCategorySchema;
  bool named = false;
  const Path top = Path::root();
  for (const auto& field : doc.rootObject()) {
    const std::string_view key = view(field.key());
    const json::value& v = field.value();
    const Path path = top.field(key);
    if (key == "name") {
      out.name = readName(v, path);
      named = true;
    } else if (key == "description") {
      out.description = readDescription(v, path);
    } else if (key == "type") {
      if (!v.is_null()) out.type = readProjectType(v, path);
    } else if (key == "categorySchema") {
      if (!v.is_null()) out.categorySchemaJson = readCategorySchema(v, path, doc);
    } else if (key == "pctConfig") {
      if (!v.is_null()) out.pctConfigJson = json_input::compact(json_input::readObject(v, path));
    } else {
      path.fail("unknown field");
    }
  }
  if (!named) Path::root("name").fail("required");
  return out;
}

core::ProjectPatch decodeProjectPatch(std::string_view body) {
  json_input::Document doc(body, "body");
  const json::object& root = doc.rootObject();
  if (root.empty()) failNoField();
  core::ProjectPatch out;
  const Path top = Path::root();
  for (const auto& field : root) {
    const std::string_view key = view(field.key());
    const json::value& v = field.value();
    const Path path = top.field(key);
    if (key == "name") {
      out.name = readName(v, path);
    } else if (key == "description") {
      out.description = readDescription(v, path);
    } else if (key == "categorySchema") {
      out.categorySchemaJson = readCategorySchema(v, path, doc);
    } else if (key != "stages") {  // update_workflow_stages: workflows are not modelled
      path.fail("unknown field");
    }
  }
  return out;
}

std::vector<core::BatchSpec> decodeBatchSpecs(std::string_view body) {
  json_input::Document doc(body, "body");
  const json::value* batches = nullptr;
  const Path top = Path::root();
  for (const auto& field : doc.rootObject()) {
    if (view(field.key()) != "batches") top.field(view(field.key())).fail("unknown field");
    batches = &field.value();
  }
  const Path path = Path::root("batches");
  if (!batches) path.fail("required");
  if (!batches->is_array()) path.fail("must be an array of batches");
  const json::array& items = batches->get_array();
  if (items.size() > limits::kMaxBatchesPerProject)
    path.fail("at most " + std::to_string(limits::kMaxBatchesPerProject) + " batches");

  std::vector<core::BatchSpec> out;
  out.reserve(items.size());
  std::unordered_set<std::string_view> names;
  std::unordered_set<std::string_view> ids;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Path batch = path.at(i);
    // Other keys are ignored: the SDK re-sends batch objects as GET /project rendered them.
    const json::object& fields = json_input::readObject(items[i], batch);
    core::BatchSpec& spec = out.emplace_back();
    const Path namePath = batch.field("name");
    const json::value* name = fields.if_contains("name");
    if (!name) namePath.fail("required");
    std::string_view nameText =
        json_input::readString(*name, namePath, limits::kMaxNameBytes, false);
    if (!names.insert(nameText).second) namePath.fail("duplicate");
    spec.name = nameText;
    if (const json::value* id = fields.if_contains("_id"); id && !id->is_null()) {
      const Path idPath = batch.field("_id");
      std::string_view idText = json_input::readString(*id, idPath, limits::kMaxIdBytes, false);
      if (!ids.insert(idText).second) idPath.fail("duplicate");
      spec.id = std::string(idText);
    }
  }
  return out;
}

std::optional<bool> parseBoolFlag(std::string_view s) {
  auto equalsIgnoreCase = [s](std::string_view word) {
    if (s.size() != word.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != word[i]) return false;
    }
    return true;
  };
  if (s == "1" || equalsIgnoreCase("true")) return true;
  if (s == "0" || equalsIgnoreCase("false")) return false;
  return std::nullopt;
}

}  // namespace assetd::api
