#include "api/prelabel.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace assetd::api {
namespace {

namespace json = boost::json;

// A schema as the SDK's create_label_set writes it, with nested classifications.
constexpr const char* kSchema = R"({
  "tools": [
    {"tool": "bounding-box", "title": "car", "required": false, "columnField": false,
     "color": "#fff", "shortcutKey": "", "classifications": [], "options": [], "schemaId": "s1"},
    {"tool": "polygon", "title": "road", "schemaId": "s2"},
    {"tool": "point", "title": "pin", "schemaId": "s3"},
    {"tool": "ner", "title": "name", "schemaId": "s4"},
    {"tool": "polyline", "title": "shared", "schemaId": "s5"},
    {"tool": "brush", "title": "shared", "schemaId": "s6"},
    {"title": "no type", "schemaId": "s7"}
  ],
  "classifications": [
    {"tool": "radio", "title": "weather", "schemaId": "c1", "options": [],
     "classifications": [
       {"tool": "text", "title": "detail", "schemaId": "c2",
        "classifications": [{"tool": "checkbox", "title": "deep", "schemaId": "c3"}]}]},
    {"tool": "single-dropdown", "title": "scene", "schemaId": "c4"}
  ],
  "relations": [
    {"tool": "single", "title": "follows", "schemaId": "r1"},
    {"tool": "group", "title": "together", "schemaId": "r2"}
  ]
})";

bool valid(const PreLabelValidator& validator, const char* preLabel) {
  return validator.isValid(json::parse(preLabel).as_object());
}

class PreLabel : public ::testing::Test {
 protected:
  PreLabelValidator validator{kSchema};
  bool ok(const char* preLabel) const { return valid(validator, preLabel); }
};

TEST_F(PreLabel, EmptyPreLabelIsValid) {
  EXPECT_TRUE(ok("{}"));
  EXPECT_TRUE(ok(R"({"tools": [], "classifications": [], "relations": []})"));
}

TEST_F(PreLabel, OtherKeysAreIgnored) {
  EXPECT_TRUE(ok(R"({"note": 1})"));
}

TEST_F(PreLabel, BoundingBoxBySchemaIdOrTitle) {
  EXPECT_TRUE(ok(
      R"({"tools": [{"schemaId": "s1", "bounding-box": {"x": 1, "y": 2, "width": 3.5, "height": 4}}]})"));
  EXPECT_TRUE(ok(
      R"({"tools": [{"title": "car", "bounding-box": {"x": 0, "y": 0, "width": 1, "height": 1}}]})"));
}

TEST_F(PreLabel, BoundingBoxNeedsFourNumbers) {
  EXPECT_FALSE(
      ok(R"({"tools": [{"schemaId": "s1", "bounding-box": {"x": 1, "y": 2, "width": 3}}]})"));
  EXPECT_FALSE(ok(
      R"({"tools": [{"schemaId": "s1", "bounding-box": {"x": "1", "y": 2, "width": 3, "height": 4}}]})"));
  EXPECT_FALSE(ok(R"({"tools": [{"schemaId": "s1", "bounding-box": [1, 2, 3, 4]}]})"));
  EXPECT_FALSE(ok(R"({"tools": [{"schemaId": "s1", "bounding-box": null}]})"));
  EXPECT_FALSE(ok(R"({"tools": [{"schemaId": "s1"}]})"));
}

TEST_F(PreLabel, ToolNeedsTheGeometryOfItsSchemaTool) {
  EXPECT_TRUE(ok(R"({"tools": [{"schemaId": "s2", "polygon": [[0, 0], [1, 0], [1, 1]]}]})"));
  EXPECT_TRUE(ok(R"({"tools": [{"schemaId": "s3", "point": [5, 6]}]})"));
  EXPECT_TRUE(ok(R"({"tools": [{"schemaId": "s4", "ner": {"start": 0, "end": 4}}]})"));
  EXPECT_FALSE(ok(R"({"tools": [{"schemaId": "s2", "polyline": [[0, 0], [1, 1]]}]})"));
  EXPECT_FALSE(ok(R"({"tools": [{"schemaId": "s3", "point": null}]})"));
  EXPECT_FALSE(ok(
      R"({"tools": [{"schemaId": "s2", "bounding-box": {"x": 0, "y": 0, "width": 1, "height": 1}}]})"));
}

TEST_F(PreLabel, SharedTitleAcceptsEitherToolsGeometry) {
  EXPECT_TRUE(ok(R"({"tools": [{"title": "shared", "polyline": [[0, 0], [1, 1]]}]})"));
  EXPECT_TRUE(ok(R"({"tools": [{"title": "shared", "brush": "url"}]})"));
  EXPECT_FALSE(ok(R"({"tools": [{"title": "shared", "polygon": [[0, 0]]}]})"));
}

TEST_F(PreLabel, UnknownToolIsInvalid) {
  EXPECT_FALSE(ok(R"({"tools": [{"schemaId": "nope", "polygon": [[0, 0]]}]})"));
  EXPECT_FALSE(ok(R"({"tools": [{"title": "bus", "polygon": [[0, 0]]}]})"));
  EXPECT_FALSE(ok(R"({"tools": [{"polygon": [[0, 0]]}]})"));
  // A schema tool without a `tool` type cannot be matched.
  EXPECT_FALSE(ok(R"({"tools": [{"schemaId": "s7", "polygon": [[0, 0]]}]})"));
  // A classification's schemaId does not name a tool.
  EXPECT_FALSE(ok(R"({"tools": [{"schemaId": "c1", "radio": "x"}]})"));
}

TEST_F(PreLabel, OneBadToolSpoilsThePreLabel) {
  EXPECT_FALSE(ok(R"({"tools": [{"schemaId": "s3", "point": [1, 2]}, {"schemaId": "s3"}]})"));
}

TEST_F(PreLabel, ClassificationsIncludingNestedOnes) {
  EXPECT_TRUE(ok(R"({"classifications": [{"schemaId": "c1", "answer": "sunny"}]})"));
  EXPECT_TRUE(
      ok(R"({"classifications": [{"schemaId": "c2"}, {"schemaId": "c3"}, {"title": "scene"}]})"));
  EXPECT_FALSE(ok(R"({"classifications": [{"schemaId": "c9"}]})"));
  EXPECT_FALSE(ok(R"({"classifications": [{"schemaId": "s1"}]})"));
  EXPECT_FALSE(ok(R"({"classifications": [{"answer": "sunny"}]})"));
}

TEST_F(PreLabel, Relations) {
  EXPECT_TRUE(
      ok(R"({"relations": [{"schemaId": "r1", "from": "a", "to": "b"}, {"title": "together"}]})"));
  EXPECT_FALSE(ok(R"({"relations": [{"schemaId": "r3"}]})"));
  EXPECT_FALSE(ok(R"({"relations": [{"schemaId": "c1"}]})"));
}

TEST_F(PreLabel, SectionsMustBeArraysOfObjects) {
  EXPECT_FALSE(ok(R"({"tools": {}})"));
  EXPECT_FALSE(ok(R"({"tools": null})"));
  EXPECT_FALSE(ok(R"({"classifications": "c1"})"));
  EXPECT_FALSE(ok(R"({"relations": 1})"));
  EXPECT_FALSE(ok(R"({"tools": ["s1"]})"));
  EXPECT_FALSE(ok(R"({"classifications": [null]})"));
  EXPECT_FALSE(ok(R"({"relations": [["r1"]]})"));
}

TEST_F(PreLabel, NonStringNamesDoNotMatch) {
  EXPECT_FALSE(ok(R"({"classifications": [{"schemaId": 1}]})"));
}

TEST(PreLabelSchema, UnusableSchemaIsEmpty) {
  for (const char* schema :
       {"", "not json", "[]", "{}", R"({"tools": 1, "classifications": {}})"}) {
    PreLabelValidator validator(schema);
    EXPECT_TRUE(valid(validator, "{}")) << schema;
    EXPECT_FALSE(valid(validator, R"({"tools": [{"schemaId": "s1", "point": [1, 2]}]})")) << schema;
    EXPECT_FALSE(valid(validator, R"({"classifications": [{"schemaId": "c1"}]})")) << schema;
  }
}

TEST(PreLabelSchema, SkipsMalformedSchemaEntries) {
  PreLabelValidator validator(R"({"tools": [1, null, {"tool": 5, "schemaId": "x"},
      {"tool": "point", "schemaId": "p"}], "classifications": ["c", {"schemaId": "c1",
      "classifications": 3}], "relations": [null, {"schemaId": "r1"}]})");
  EXPECT_TRUE(valid(validator, R"({"tools": [{"schemaId": "p", "point": [1, 2]}]})"));
  EXPECT_FALSE(valid(validator, R"({"tools": [{"schemaId": "x", "5": [1, 2]}]})"));
  EXPECT_TRUE(valid(validator, R"({"classifications": [{"schemaId": "c1"}]})"));
  EXPECT_TRUE(valid(validator, R"({"relations": [{"schemaId": "r1"}]})"));
}

}  // namespace
}  // namespace assetd::api
