#include "api/render.hpp"

#include <algorithm>

#include "core/json_text.hpp"
#include "core/time.hpp"

namespace assetd::api {
namespace {

using core::appendJsonString;

// Appends `"name":` — names are literals of this file, so they need no escaping.
void key(std::string& out, std::string_view name) {
  if (out.back() != '{') out.push_back(',');
  out.push_back('"');
  out += name;
  out += "\":";
}

void stringField(std::string& out, std::string_view name, std::string_view value) {
  key(out, name);
  appendJsonString(out, value);
}

void rawField(std::string& out, std::string_view name, std::string_view json,
              std::string_view fallback) {
  key(out, name);
  out += json.empty() ? fallback : json;
}

void timeField(std::string& out, std::string_view name, std::int64_t millis) {
  key(out, name);
  out.push_back('"');
  out += core::isoMillis(millis);
  out.push_back('"');
}

void numberField(std::string& out, std::string_view name, double value) {
  key(out, name);
  core::appendJsonNumber(out, value);
}

void boolField(std::string& out, std::string_view name, bool value) {
  key(out, name);
  out += value ? "true" : "false";
}

}  // namespace

void renderStringArray(std::string& out, const std::vector<std::string>& items) {
  out.push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    appendJsonString(out, items[i]);
  }
  out.push_back(']');
}

void renderAsset(std::string& out, const core::Asset& a) {
  out.push_back('{');
  stringField(out, "_id", a.id);
  stringField(out, "project", a.project);
  stringField(out, "organization", a.organization);
  stringField(out, "externalId", a.externalId);
  stringField(out, "data", a.data);
  if (!a.datasetJson.empty()) rawField(out, "dataset", a.datasetJson, "[]");
  rawField(out, "overlay", a.overlayJson, "[]");
  rawField(out, "metadata", a.metadataJson, "{}");
  rawField(out, "contextData", a.contextDataJson, "{}");
  key(out, "batches");
  renderStringArray(out, a.batches);
  key(out, "labelTasks");
  renderStringArray(out, a.labelTaskId.empty() ? std::vector<std::string>{}
                                               : std::vector<std::string>{a.labelTaskId});
  stringField(out, "editorType", a.editorType);
  boolField(out, "isPreLabeled", a.isPreLabeled);
  if (!a.preLabelJson.empty()) rawField(out, "preLabel", a.preLabelJson, "{}");
  numberField(out, "priority", a.priority);
  boolField(out, "uploadLocal", a.uploadLocal);
  if (!a.uploadStatus.empty()) stringField(out, "uploadStatus", a.uploadStatus);
  if (a.uploadStatus == "failed") stringField(out, "uploadError", a.uploadError);
  if (!a.storageId.empty()) stringField(out, "storage", a.storageId);
  boolField(out, "deleted", false);
  stringField(out, "createdBy", a.createdBy);
  timeField(out, "createdAt", a.createdAt);
  timeField(out, "updatedAt", a.updatedAt);
  out.push_back('}');
}

void renderBatches(std::string& out, const std::vector<core::Batch>& batches) {
  out.push_back('[');
  for (std::size_t i = 0; i < batches.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('{');
    stringField(out, "_id", batches[i].id);
    stringField(out, "name", batches[i].name);
    out.push_back('}');
  }
  out.push_back(']');
}

void renderProject(std::string& out, const core::Project& p) {
  out.push_back('{');
  stringField(out, "_id", p.id);
  stringField(out, "name", p.name);
  stringField(out, "description", p.description);
  stringField(out, "type", p.type);
  stringField(out, "organization", p.organization);
  rawField(out, "categorySchema", p.categorySchemaJson, "{}");
  if (!p.pctConfigJson.empty()) rawField(out, "pctConfig", p.pctConfigJson, "{}");
  key(out, "batches");
  renderBatches(out, p.batches);
  key(out, "assetBuilderTemplates");
  out += "[]";
  numberField(out, "assetCount", static_cast<double>(p.assetCount));
  timeField(out, "createdAt", p.createdAt);
  timeField(out, "updatedAt", p.updatedAt);
  out.push_back('}');
}

void renderTask(std::string& out, const core::Task& t, bool includeAnswer,
                const std::vector<std::string>& fields) {
  auto wanted = [&](std::string_view name) {
    return fields.empty() || std::find(fields.begin(), fields.end(), name) != fields.end();
  };
  out.push_back('{');
  stringField(out, "_id", t.id);
  stringField(out, "project", t.project);
  stringField(out, "asset", t.asset);
  if (wanted("externalId")) stringField(out, "externalId", t.externalId);
  if (wanted("stage")) stringField(out, "stage", t.stage);
  if (wanted("status")) stringField(out, "status", t.status);
  if (wanted("batches")) {
    key(out, "batches");
    renderStringArray(out, t.batches);
  }
  if (wanted("priority")) numberField(out, "priority", t.priority);
  if (wanted("createdBy")) stringField(out, "createdBy", t.createdBy);
  if (wanted("createdAt")) timeField(out, "createdAt", t.createdAt);
  if (wanted("updatedAt")) timeField(out, "updatedAt", t.updatedAt);
  if (includeAnswer)
    rawField(out, "answer", t.answerJson, R"({"tools":[],"classifications":[],"relations":[]})");
  out.push_back('}');
}

}  // namespace assetd::api
