// The rule, in Ango's import format ({"tools":[...], "classifications":[...], "relations":[...]}):
// - a tool entry is valid when its schemaId or its title names a tool of the categorySchema and
//   it carries, non-null, the geometry key named by that schema tool's `tool` value
//   ({"schemaId":"s1","bounding-box":{...}} for a "bounding-box" tool); a bounding box must
//   also have numeric x, y, width and height;
// - a classification entry is valid when its schemaId or title names a classification of the
//   schema, nested classifications included;
// - a relation entry is valid when its schemaId or title names a relation of the schema.
// A section that is not an array, or an entry that is not an object, makes the pre-label
// invalid. Other keys are ignored, so an empty object is valid.
#include "api/prelabel.hpp"

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/json.hpp>

namespace assetd::api {
namespace {

namespace json = boost::json;

std::string_view view(json::string_view s) {
  return {s.data(), s.size()};
}

const json::string* stringField(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(json::string_view(key.data(), key.size()));
  return value ? value->if_string() : nullptr;
}

// The schemaIds and titles of one category of the schema.
struct Names {
  std::unordered_set<std::string> ids;
  std::unordered_set<std::string> titles;

  void add(const json::object& entry) {
    if (auto* id = stringField(entry, "schemaId")) ids.emplace(view(*id));
    if (auto* title = stringField(entry, "title")) titles.emplace(view(*title));
  }
  bool names(const json::object& entry) const {
    auto* id = stringField(entry, "schemaId");
    auto* title = stringField(entry, "title");
    return (id && ids.count(std::string(view(*id)))) ||
           (title && titles.count(std::string(view(*title))));
  }
};

const json::array* arrayField(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(json::string_view(key.data(), key.size()));
  return value ? value->if_array() : nullptr;
}

void collectClassifications(const json::array& list, Names& names) {
  for (const json::value& item : list) {
    const json::object* entry = item.if_object();
    if (!entry) continue;
    names.add(*entry);
    if (auto* nested = arrayField(*entry, "classifications"))
      collectClassifications(*nested, names);
  }
}

bool isBoundingBox(const json::value& geometry) {
  const json::object* box = geometry.if_object();
  if (!box) return false;
  for (const char* key : {"x", "y", "width", "height"}) {
    const json::value* v = box->if_contains(key);
    if (!v || !v->is_number()) return false;
  }
  return true;
}

bool hasGeometry(const json::object& entry, const std::string& toolType) {
  const json::value* geometry = entry.if_contains(toolType);
  if (!geometry || geometry->is_null()) return false;
  return toolType != "bounding-box" || isBoundingBox(*geometry);
}

}  // namespace

struct PreLabelValidator::Impl {
  // Tool types ("bounding-box", "polygon", ...) by schemaId and by title; a title may be
  // shared by tools of different types.
  std::unordered_map<std::string, std::vector<std::string>> toolTypesById;
  std::unordered_map<std::string, std::vector<std::string>> toolTypesByTitle;
  Names classifications;
  Names relations;

  bool validTool(const json::object& entry) const {
    auto matches = [&](const auto& byName, const char* key) {
      const json::string* name = stringField(entry, key);
      if (!name) return false;
      auto found = byName.find(std::string(view(*name)));
      if (found == byName.end()) return false;
      for (const std::string& toolType : found->second)
        if (hasGeometry(entry, toolType)) return true;
      return false;
    };
    return matches(toolTypesById, "schemaId") || matches(toolTypesByTitle, "title");
  }
};

PreLabelValidator::PreLabelValidator(std::string_view categorySchemaJson)
    : impl_(std::make_unique<Impl>()) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 64;
  const json::value schema = json::parse(
      json::string_view(categorySchemaJson.data(), categorySchemaJson.size()), ec, {}, options);
  if (ec || !schema.is_object()) return;
  const json::object& root = schema.get_object();
  if (auto* tools = arrayField(root, "tools")) {
    for (const json::value& item : *tools) {
      const json::object* tool = item.if_object();
      const json::string* type = tool ? stringField(*tool, "tool") : nullptr;
      if (!type) continue;
      if (auto* id = stringField(*tool, "schemaId"))
        impl_->toolTypesById[std::string(view(*id))].emplace_back(view(*type));
      if (auto* title = stringField(*tool, "title"))
        impl_->toolTypesByTitle[std::string(view(*title))].emplace_back(view(*type));
    }
  }
  if (auto* list = arrayField(root, "classifications"))
    collectClassifications(*list, impl_->classifications);
  if (auto* list = arrayField(root, "relations")) {
    for (const json::value& item : *list)
      if (const json::object* relation = item.if_object()) impl_->relations.add(*relation);
  }
}

PreLabelValidator::~PreLabelValidator() = default;

bool PreLabelValidator::isValid(const json::object& preLabel) const {
  auto everyEntry = [&](std::string_view key, auto&& valid) {
    const json::value* section = preLabel.if_contains(json::string_view(key.data(), key.size()));
    if (!section) return true;
    if (!section->is_array()) return false;
    for (const json::value& item : section->get_array())
      if (!item.is_object() || !valid(item.get_object())) return false;
    return true;
  };
  return everyEntry("tools", [&](const json::object& e) { return impl_->validTool(e); }) &&
         everyEntry("classifications",
                    [&](const json::object& e) { return impl_->classifications.names(e); }) &&
         everyEntry("relations", [&](const json::object& e) { return impl_->relations.names(e); });
}

}  // namespace assetd::api
