#pragma once
// Plain domain records. Free-form JSON the client owns (metadata, contextData, preLabel,
// categorySchema, ...) travels as already-validated, compact JSON text: the store keeps it and
// the renderer splices it back without re-parsing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace assetd::core {

// Who is calling: resolved from the apikey header.
struct Principal {
  std::string organizationId;
  std::string keyId;
  std::string keyName;  // recorded as createdBy
};

struct Organization {
  std::string id;
  std::string name;
  std::int64_t createdAt = 0;
};

struct ApiKeyInfo {
  std::string id;
  std::string organizationId;
  std::string name;
};

struct Batch {
  std::string id;
  std::string name;
};

struct Project {
  std::string id;
  std::string organization;
  std::string name;
  std::string description;
  std::string type;                       // "ango" | "pct" | "iframe" | ...
  std::string categorySchemaJson = "{}";  // object
  std::string pctConfigJson;              // object or empty when unset
  std::vector<Batch> batches;             // in creation order
  std::int64_t assetCount = 0;            // live (not deleted) assets
  std::int64_t createdAt = 0;
  std::int64_t updatedAt = 0;
};

struct NewProject {
  std::string name;
  std::string description;
  std::string type = "ango";
  std::string categorySchemaJson = "{}";
  std::string pctConfigJson;
};

struct ProjectPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> categorySchemaJson;
};

// The SDK re-sends every batch it got plus new ones: with an id it is kept (renamed), without
// one it is created; batches of the project not listed are removed.
struct BatchSpec {
  std::optional<std::string> id;
  std::string name;
};

struct NewAsset {
  std::string id;  // preassigned (core::newObjectId()) when a file is named after it; else empty
  std::string externalId;
  std::string data;
  std::string datasetJson;  // array, or empty when absent
  std::string overlayJson;  // array, or empty when absent
  std::string metadataJson = "{}";
  std::string contextDataJson;  // object, or empty when absent
  std::string preLabelJson;     // object, or empty when absent
  std::string editorType = "ango";
  std::string storageId;  // empty when absent
  bool uploadLocal = false;
  // Set by the api layer when `data` already names an object of the server's own store: an
  // uploadLocal asset is then done at once, without a copy.
  bool dataInServerStore = false;
  double priority = 0;
  bool isPreLabeled = false;
  std::vector<std::string> batchRefs;  // batch ids of the project or batch names
};

struct Asset {
  std::string id;
  std::string project;
  std::string organization;
  std::string externalId;
  std::string data;
  std::string datasetJson;
  std::string overlayJson;
  std::string metadataJson = "{}";
  std::string contextDataJson;
  std::string preLabelJson;
  std::string editorType;
  std::string storageId;
  bool uploadLocal = false;
  double priority = 0;
  bool isPreLabeled = false;
  std::vector<std::string> batches;  // batch ids
  std::string labelTaskId;
  std::string createdBy;
  std::int64_t createdAt = 0;
  std::int64_t updatedAt = 0;
  // uploadLocal copy state: "pending", "done" or "failed"; empty when no copy was asked for.
  std::string uploadStatus;
  std::string uploadError;  // why the copy failed, when it did
};

struct AssetPatch {
  std::optional<std::string> metadataJson;
  std::optional<std::string> contextDataJson;
  std::optional<std::string> data;
  std::optional<std::string> overlayJson;
  std::optional<std::string> externalId;
};

struct ImportRequest {
  std::vector<NewAsset> assets;
  std::vector<std::string> commonBatchRefs;  // applied to every asset
  std::string createdBy;
};

struct ImportResult {
  std::int64_t assetsCreated = 0;
  std::int64_t tasksCreated = 0;
  std::vector<std::string> assetIds;  // in request order
};

struct DeleteResult {
  std::int64_t deleted = 0;
  std::int64_t failed = 0;
};

struct AssignRequest {
  std::vector<std::string> assetIds;
  std::vector<std::string> batchRefs;
  bool replace = false;
  std::optional<std::string> projectId;  // when the client names it, every asset must be in it
};

struct AssignResult {
  std::int64_t modifiedCount = 0;
  std::vector<std::string> batchIds;
};

struct Task {
  std::string id;
  std::string project;
  std::string asset;
  std::string externalId;
  std::string stage = "Label";
  std::string status = "TODO";
  std::vector<std::string> batches;
  double priority = 0;
  std::string answerJson;  // {"tools":[],"classifications":[],"relations":[]}
  std::string createdBy;
  std::int64_t createdAt = 0;
  std::int64_t updatedAt = 0;
};

// A storage integration: a customer's bucket and what it takes to sign URLs for it. The
// credentials travel only sealed (see sign/secrets.hpp) and are never rendered.
struct Storage {
  std::string id;
  std::string organization;
  std::string name;
  std::string provider;           // "AWS" | "GCP" | "AZURE"
  std::string bucket;             // empty when the storage names none (each request then names one)
  std::string region;             // empty when absent
  std::string endpoint;           // empty: the provider's public endpoint
  std::string sealedCredentials;  // filled only by Store::getStorage
  std::int64_t createdAt = 0;
};

struct NewStorage {
  std::string id;  // preassigned (core::newObjectId()): the sealed credentials are bound to it
  std::string name;
  std::string provider;
  std::string bucket;
  std::string region;
  std::string endpoint;
  std::string sealedCredentials;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
};

}  // namespace assetd::core
