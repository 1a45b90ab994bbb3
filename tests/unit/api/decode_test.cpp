// The small JSON bodies: asset patch, delete, assignBatches, projects, batches, and query flags.
#include "api/decode.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api_error_matchers.hpp"

namespace assetd::api {
namespace {

using assetd::testing::throwsApiError;
using assetd::testing::throwsApiErrorStartingWith;

template <class Decode>
void expectRejectsNonObjects(Decode decode) {
  EXPECT_TRUE(throwsApiError([&] { decode(""); }, "body: required"));
  EXPECT_TRUE(throwsApiError([&] { decode("[]"); }, "body: must be a JSON object"));
  EXPECT_TRUE(throwsApiError([&] { decode(R"("x")"); }, "body: must be a JSON object"));
  EXPECT_TRUE(throwsApiErrorStartingWith([&] { decode("{"); }, "body: malformed JSON"));
}

// --- POST /assets/{id} ---

TEST(AssetPatchTest, DecodesEachOfTheFiveFields) {
  auto patch = decodeAssetPatch(
      R"({"metadata": {"k": 1}, "contextData": {"c": "x"}, "data": "https://b/n.jpg", )"
      R"("overlay": ["o1"], "externalId": "n.jpg"})");
  EXPECT_EQ(patch.metadataJson, R"({"k":1})");
  EXPECT_EQ(patch.contextDataJson, R"({"c":"x"})");
  EXPECT_EQ(patch.data, "https://b/n.jpg");
  EXPECT_EQ(patch.overlayJson, R"(["o1"])");
  EXPECT_EQ(patch.externalId, "n.jpg");
}

TEST(AssetPatchTest, LeavesAbsentFieldsUnsetAndNullClears) {
  auto patch = decodeAssetPatch(R"({"externalId": "e"})");
  EXPECT_FALSE(patch.metadataJson || patch.contextDataJson || patch.data || patch.overlayJson);
  patch = decodeAssetPatch(R"({"metadata": null, "contextData": null, "overlay": null})");
  EXPECT_EQ(patch.metadataJson, "{}");
  EXPECT_EQ(patch.contextDataJson, "");
  EXPECT_EQ(patch.overlayJson, "");
}

TEST(AssetPatchTest, RejectsOtherFieldsAndBadValues) {
  expectRejectsNonObjects(decodeAssetPatch);
  auto rejects = [](std::string_view body, std::string_view message) {
    return throwsApiError([&] { decodeAssetPatch(body); }, message);
  };
  EXPECT_TRUE(rejects("{}", "body: no updatable field given"));
  EXPECT_TRUE(rejects(R"({"batches": []})", "batches: unknown field"));
  EXPECT_TRUE(rejects(R"({"data": "u", "priority": 1})", "priority: unknown field"));
  EXPECT_TRUE(rejects(R"({"metadata": []})", "metadata: must be an object"));
  EXPECT_TRUE(rejects(R"({"contextData": "x"})", "contextData: must be an object"));
  EXPECT_TRUE(rejects(R"({"data": ""})", "data: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"data": null})", "data: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"overlay": [1]})", "overlay[0]: must be a string"));
  EXPECT_TRUE(rejects(R"({"externalId": ""})", "externalId: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"externalId": ")" + std::string(1025, 'e') + R"("})",
                      "externalId: must be at most 1024 bytes"));
}

// --- DELETE /project/{id}/assets ---

TEST(DeleteAssetsTest, AcceptsTheSdksBody) {
  auto out = decodeDeleteAssets(R"({"project": "P1", "assets": ["a1", "a2"]})");
  EXPECT_EQ(out.ids, (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(out.malformed, 0);
  EXPECT_TRUE(decodeDeleteAssets(R"({"assets": []})").ids.empty());
}

TEST(DeleteAssetsTest, CountsNonStringEntriesAsMalformed) {
  auto out = decodeDeleteAssets(R"({"assets": [1, null, "a1", {}, ["a2"]]})");
  EXPECT_EQ(out.ids, std::vector<std::string>{"a1"});
  EXPECT_EQ(out.malformed, 4);
}

TEST(DeleteAssetsTest, RejectsBodiesWithoutAnArray) {
  expectRejectsNonObjects(decodeDeleteAssets);
  const char* message = "assets: must be an array of asset ids";
  EXPECT_TRUE(throwsApiError([] { decodeDeleteAssets("{}"); }, message));
  EXPECT_TRUE(throwsApiError([] { decodeDeleteAssets(R"({"assets": "a1"})"); }, message));
  EXPECT_TRUE(throwsApiError([] { decodeDeleteAssets(R"({"assets": ["a"], "x": 1})"); },
                             "x: unknown field"));
  std::string tooMany = R"({"assets":[)";
  for (int i = 0; i <= 100'000; ++i) tooMany += i ? ",1" : "1";
  EXPECT_TRUE(throwsApiError([&] { decodeDeleteAssets(tooMany + "]}"); },
                             "assets: at most 100000 ids per request"));
}

// --- POST /assignBatches ---

TEST(AssignBatchesTest, AcceptsTheSdksBody) {
  auto out =
      decodeAssignBatches(R"({"assets": ["A1", "A2"], "batches": ["B1"], "projectId": "P1"})");
  EXPECT_EQ(out.assetIds, (std::vector<std::string>{"A1", "A2"}));
  EXPECT_EQ(out.batchRefs, std::vector<std::string>{"B1"});
  EXPECT_FALSE(out.replace);
  EXPECT_EQ(out.projectId, "P1");
}

TEST(AssignBatchesTest, AcceptsTheDocumentedBodyAndModes) {
  auto out =
      decodeAssignBatches(R"({"assetIds": ["A1"], "batches": ["B1", "name"], "mode": "add"})");
  EXPECT_EQ(out.assetIds, std::vector<std::string>{"A1"});
  EXPECT_EQ(out.batchRefs, (std::vector<std::string>{"B1", "name"}));
  EXPECT_FALSE(out.replace);
  EXPECT_FALSE(out.projectId);
  out =
      decodeAssignBatches(R"({"assetIds": ["A1", "A2", "A1"], "batches": [], "mode": "replace"})");
  EXPECT_EQ(out.assetIds, (std::vector<std::string>{"A1", "A2"}));
  EXPECT_TRUE(out.replace);
  EXPECT_TRUE(out.batchRefs.empty());
  EXPECT_EQ(
      decodeAssignBatches(R"({"assets": ["A1"], "batches": ["B"], "project": "P2"})").projectId,
      "P2");
}

TEST(AssignBatchesTest, RejectsBadBodies) {
  expectRejectsNonObjects(decodeAssignBatches);
  auto rejects = [](std::string_view body, std::string_view message) {
    return throwsApiError([&] { decodeAssignBatches(body); }, message);
  };
  EXPECT_TRUE(rejects(R"({"batches": ["B"]})", "assetIds: required"));
  EXPECT_TRUE(rejects(R"({"assetIds": [], "batches": ["B"]})",
                      "assetIds: must be a non-empty array of asset ids"));
  EXPECT_TRUE(rejects(R"({"assets": "A1", "batches": ["B"]})",
                      "assets: must be a non-empty array of asset ids"));
  EXPECT_TRUE(rejects(R"({"assets": ["A1", 2], "batches": ["B"]})",
                      "assets[1]: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"assetIds": ["A1"], "assets": ["A1"], "batches": ["B"]})",
                      "assets: give either assetIds or assets, not both"));
  EXPECT_TRUE(rejects(R"({"assetIds": ["A1"]})", "batches: required"));
  EXPECT_TRUE(rejects(R"({"assetIds": ["A1"], "batches": []})",
                      "batches: must not be empty unless mode is replace"));
  EXPECT_TRUE(rejects(R"({"assetIds": ["A1"], "batches": [""]})",
                      "batches[0]: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"assetIds": ["A1"], "batches": ["B"], "mode": "merge"})",
                      R"(mode: must be "add" or "replace")"));
  EXPECT_TRUE(rejects(R"({"assetIds": ["A1"], "batches": ["B"], "projectId": 5})",
                      "projectId: must be a non-empty string"));
  EXPECT_TRUE(
      rejects(R"({"assetIds": ["A1"], "batches": ["B"], "projectId": "P1", "project": "P2"})",
              "project: does not match the project named in the same body"));
  EXPECT_TRUE(
      rejects(R"({"assetIds": ["A1"], "batches": ["B"], "tasks": []})", "tasks: unknown field"));
}

// --- POST /project ---

TEST(NewProjectTest, AcceptsTheSdksPlainBody) {
  auto project = decodeNewProject(R"({"name": "n", "description": ""})");
  EXPECT_EQ(project.name, "n");
  EXPECT_EQ(project.description, "");
  EXPECT_EQ(project.type, "ango");
  EXPECT_EQ(project.categorySchemaJson, R"({"tools":[],"classifications":[],"relations":[]})");
  EXPECT_EQ(project.pctConfigJson, "");
  EXPECT_EQ(decodeNewProject(R"({"name": "n"})").description, "");
}

TEST(NewProjectTest, AcceptsTheSdksPctBody) {
  auto project = decodeNewProject(
      R"({"name": "n", "description": "d", "type": "pct", "pctConfig": {"allowOverlapping": true, )"
      R"("trackingMultipleSensors": false, "segmentationMode": false}})");
  EXPECT_EQ(project.type, "pct");
  EXPECT_EQ(project.description, "d");
  EXPECT_EQ(
      project.pctConfigJson,
      R"({"allowOverlapping":true,"trackingMultipleSensors":false,"segmentationMode":false})");
  for (std::string type : {"ango", "iframe", "llm"})
    EXPECT_EQ(decodeNewProject(R"({"name":"n","type":")" + type + R"("})").type, type);
}

TEST(NewProjectTest, KeepsTheCategorySchemaAndFillsMissingLists) {
  auto project = decodeNewProject(
      R"({"name": "n", "categorySchema": {"tools": [{"tool": "bounding-box", "title": "car", )"
      R"("schemaId": "s1"}], "classifications": [], "relations": []}})");
  EXPECT_EQ(project.categorySchemaJson,
            R"({"tools":[{"tool":"bounding-box","title":"car","schemaId":"s1"}],)"
            R"("classifications":[],"relations":[]})");
  project = decodeNewProject(R"({"name": "n", "categorySchema": {"tools": [{"title": "t"}]}})");
  EXPECT_EQ(project.categorySchemaJson,
            R"({"tools":[{"title":"t"}],"classifications":[],"relations":[]})");
}

TEST(NewProjectTest, RejectsBadBodies) {
  expectRejectsNonObjects(decodeNewProject);
  auto rejects = [](std::string_view body, std::string_view message) {
    return throwsApiError([&] { decodeNewProject(body); }, message);
  };
  EXPECT_TRUE(rejects(R"({"description": "d"})", "name: required"));
  EXPECT_TRUE(rejects(R"({"name": ""})", "name: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"name": null})", "name: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"name": ")" + std::string(257, 'n') + R"("})",
                      "name: must be at most 256 bytes"));
  EXPECT_TRUE(rejects(R"({"name": "n", "description": 5})", "description: must be a string"));
  EXPECT_TRUE(
      rejects(R"({"name": "n", "type": "video"})", "type: must be one of ango, pct, iframe, llm"));
  EXPECT_TRUE(
      rejects(R"({"name": "n", "categorySchema": []})", "categorySchema: must be an object"));
  EXPECT_TRUE(rejects(R"({"name": "n", "categorySchema": {"tools": {}}})",
                      "categorySchema.tools: must be an array of objects"));
  EXPECT_TRUE(rejects(R"({"name": "n", "categorySchema": {"relations": [{}, 1]}})",
                      "categorySchema.relations[1]: must be an object"));
  EXPECT_TRUE(rejects(R"({"name": "n", "pctConfig": true})", "pctConfig: must be an object"));
  EXPECT_TRUE(rejects(R"({"name": "n", "owner": "x"})", "owner: unknown field"));
}

// --- POST /project/{id} ---

TEST(ProjectPatchTest, AcceptsTheSdksCreateLabelSetBody) {
  auto patch = decodeProjectPatch(
      R"({"categorySchema": {"tools": [{"tool": "bounding-box", "title": "car", "required": false, )"
      R"("columnField": false, "color": "#fff", "shortcutKey": "", "classifications": [], )"
      R"("options": [], "schemaId": "s1"}], "classifications": [], "relations": []}})");
  ASSERT_TRUE(patch.categorySchemaJson);
  EXPECT_EQ(
      *patch.categorySchemaJson,
      R"({"tools":[{"tool":"bounding-box","title":"car","required":false,"columnField":false,)"
      R"("color":"#fff","shortcutKey":"","classifications":[],"options":[],"schemaId":"s1"}],)"
      R"("classifications":[],"relations":[]})");
  EXPECT_FALSE(patch.name || patch.description);
}

TEST(ProjectPatchTest, AcceptsAndIgnoresWorkflowStages) {
  auto patch = decodeProjectPatch(R"({"stages": [{"id": "Label", "type": "Plugin"}]})");
  EXPECT_FALSE(patch.name || patch.description || patch.categorySchemaJson);
}

TEST(ProjectPatchTest, DecodesNameAndDescription) {
  auto patch = decodeProjectPatch(R"({"name": "new", "description": null})");
  EXPECT_EQ(patch.name, "new");
  EXPECT_EQ(patch.description, "");
  EXPECT_FALSE(patch.categorySchemaJson);
}

TEST(ProjectPatchTest, RejectsBadBodies) {
  expectRejectsNonObjects(decodeProjectPatch);
  auto rejects = [](std::string_view body, std::string_view message) {
    return throwsApiError([&] { decodeProjectPatch(body); }, message);
  };
  EXPECT_TRUE(rejects("{}", "body: no updatable field given"));
  EXPECT_TRUE(rejects(R"({"name": ""})", "name: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"type": "pct"})", "type: unknown field"));
  EXPECT_TRUE(rejects(R"({"categorySchema": null})", "categorySchema: must be an object"));
  EXPECT_TRUE(rejects(R"({"categorySchema": {"classifications": [3]}})",
                      "categorySchema.classifications[0]: must be an object"));
}

// --- POST /batches/{projectId} ---

TEST(BatchSpecsTest, AcceptsTheSdksCreateBatchBody) {
  auto specs = decodeBatchSpecs(
      R"({"batches": [{"_id": "B1", "name": "b-one"}, {"_id": "B2", "name": "b-two"}, {"name": "new"}]})");
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].id, "B1");
  EXPECT_EQ(specs[0].name, "b-one");
  EXPECT_EQ(specs[1].id, "B2");
  EXPECT_FALSE(specs[2].id);
  EXPECT_EQ(specs[2].name, "new");
  EXPECT_TRUE(decodeBatchSpecs(R"({"batches": []})").empty());
}

TEST(BatchSpecsTest, IgnoresOtherKeysOfEachBatch) {
  auto specs = decodeBatchSpecs(
      R"({"batches": [{"_id": "B1", "name": "b", "createdAt": "2026-01-01T00:00:00.000Z"}, )"
      R"({"_id": null, "name": "c", "x": [1]}]})");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].id, "B1");
  EXPECT_FALSE(specs[1].id);
}

TEST(BatchSpecsTest, RejectsBadBodies) {
  expectRejectsNonObjects(decodeBatchSpecs);
  auto rejects = [](std::string_view body, std::string_view message) {
    return throwsApiError([&] { decodeBatchSpecs(body); }, message);
  };
  EXPECT_TRUE(rejects("{}", "batches: required"));
  EXPECT_TRUE(rejects(R"({"batches": {}})", "batches: must be an array of batches"));
  EXPECT_TRUE(rejects(R"({"batches": [], "project": "P"})", "project: unknown field"));
  EXPECT_TRUE(rejects(R"({"batches": ["b"]})", "batches[0]: must be an object"));
  EXPECT_TRUE(rejects(R"({"batches": [{"_id": "B1"}]})", "batches[0].name: required"));
  EXPECT_TRUE(
      rejects(R"({"batches": [{"name": ""}]})", "batches[0].name: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"batches": [{"name": ")" + std::string(257, 'b') + R"("}]})",
                      "batches[0].name: must be at most 256 bytes"));
  EXPECT_TRUE(
      rejects(R"({"batches": [{"name": "a"}, {"name": "a"}]})", "batches[1].name: duplicate"));
  EXPECT_TRUE(rejects(R"({"batches": [{"_id": 5, "name": "a"}]})",
                      "batches[0]._id: must be a non-empty string"));
  EXPECT_TRUE(rejects(R"({"batches": [{"_id": "B", "name": "a"}, {"_id": "B", "name": "b"}]})",
                      "batches[1]._id: duplicate"));
}

// --- query flags ---

TEST(ParseBoolFlagTest, AcceptsTrueFalseInAnyCaseAndOneZero) {
  for (std::string_view s : {"true", "True", "TRUE", "1"}) EXPECT_EQ(parseBoolFlag(s), true) << s;
  for (std::string_view s : {"false", "False", "fAlSe", "0"})
    EXPECT_EQ(parseBoolFlag(s), false) << s;
  for (std::string_view s : {"", "yes", "2", "truee", " true", "t"})
    EXPECT_EQ(parseBoolFlag(s), std::nullopt) << s;
}

}  // namespace
}  // namespace assetd::api
