#include "api/filter_parser.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/time.hpp"
#include "http/query.hpp"

namespace assetd::api {
namespace {

using core::AssetStringField;
using core::BatchOp;
using core::CompareOp;
using core::MetadataOp;
using core::NumberOp;
using core::Scalar;
using core::StringOp;
using core::TaskStringField;
using Strings = std::vector<std::string>;

template <typename F>
std::string errorOf(F&& parse) {
  try {
    parse();
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.what();
  }
  ADD_FAILURE() << "no ApiError";
  return "";
}

std::string assetError(std::string_view json) {
  return errorOf([&] { parseAssetFilter(json); });
}

std::string taskError(std::string_view json) {
  return errorOf([&] { parseTaskFilter(json); });
}

// --- asset filter: accepted forms

TEST(AssetFilter, EmptyTextAndEmptyObjectAreEmptyFilters) {
  EXPECT_TRUE(parseAssetFilter("").empty());
  EXPECT_TRUE(parseAssetFilter(" \n ").empty());
  EXPECT_TRUE(parseAssetFilter("{}").empty());
  EXPECT_TRUE(parseAssetFilter(" { } ").empty());
}

TEST(AssetFilter, SdkGetAssetsWireForm) {
  const auto params = http::Params::parseQuery(
      "page=2&limit=5&filters=%7B%22externalId%22:%20%22a%20b%22,%20%22batches%22:%20%5B%22B1%22%"
      "5D%7D");
  const auto filter = parseAssetFilter(params.get("filters").value());
  ASSERT_EQ(filter.strings.size(), 1u);
  EXPECT_EQ(filter.strings[0].first, AssetStringField::ExternalId);
  EXPECT_EQ(filter.strings[0].second.op, StringOp::Eq);
  EXPECT_EQ(filter.strings[0].second.values, Strings{"a b"});
  ASSERT_EQ(filter.batches.size(), 1u);
  EXPECT_EQ(filter.batches[0].op, BatchOp::AllOf);
  EXPECT_EQ(filter.batches[0].refs, Strings{"B1"});
}

TEST(AssetFilter, SdkEmptyFiltersWireForm) {
  const auto params = http::Params::parseQuery("page=1&limit=10&filters=%7B%7D");
  EXPECT_TRUE(parseAssetFilter(params.get("filters").value()).empty());
}

TEST(AssetFilter, LiteralUnencodedWireForm) {
  const auto params = http::Params::parseQuery(R"(filters={"externalId":%20"a.jpg"})");
  const auto filter = parseAssetFilter(params.get("filters").value());
  ASSERT_EQ(filter.strings.size(), 1u);
  EXPECT_EQ(filter.strings[0].second.values, Strings{"a.jpg"});
}

TEST(AssetFilter, StringFieldsTakeEveryOperator) {
  const auto filter = parseAssetFilter(R"({
    "_id": "0123456789abcdef01234567",
    "createdBy": {"$in": ["k1", "k2"]},
    "editorType": {"$nin": ["pct"], "$ne": "llm"},
    "externalId": {"$prefix": "img/", "$eq": "img/a"}
  })");
  ASSERT_EQ(filter.strings.size(), 6u);
  EXPECT_EQ(filter.strings[0].first, AssetStringField::Id);
  EXPECT_EQ(filter.strings[0].second.op, StringOp::Eq);
  EXPECT_EQ(filter.strings[1].first, AssetStringField::CreatedBy);
  EXPECT_EQ(filter.strings[1].second.op, StringOp::In);
  EXPECT_EQ(filter.strings[1].second.values, (Strings{"k1", "k2"}));
  EXPECT_EQ(filter.strings[2].first, AssetStringField::EditorType);
  EXPECT_EQ(filter.strings[2].second.op, StringOp::Nin);
  EXPECT_EQ(filter.strings[3].second.op, StringOp::Ne);
  EXPECT_EQ(filter.strings[3].second.values, Strings{"llm"});
  EXPECT_EQ(filter.strings[4].first, AssetStringField::ExternalId);
  EXPECT_EQ(filter.strings[4].second.op, StringOp::Prefix);
  EXPECT_EQ(filter.strings[4].second.values, Strings{"img/"});
  EXPECT_EQ(filter.strings[5].second.op, StringOp::Eq);
}

TEST(AssetFilter, EmptyInListIsKept) {
  const auto filter = parseAssetFilter(R"({"_id": {"$in": []}})");
  ASSERT_EQ(filter.strings.size(), 1u);
  EXPECT_TRUE(filter.strings[0].second.values.empty());
}

TEST(AssetFilter, BatchesArrayIsAllOf) {
  const auto filter = parseAssetFilter(R"({"batches": ["B1", "night"]})");
  ASSERT_EQ(filter.batches.size(), 1u);
  EXPECT_EQ(filter.batches[0].op, BatchOp::AllOf);
  EXPECT_EQ(filter.batches[0].refs, (Strings{"B1", "night"}));
}

TEST(AssetFilter, BatchesAllIsTheArrayForm) {
  const auto filter = parseAssetFilter(R"({"batches": {"$all": ["B1"]}})");
  ASSERT_EQ(filter.batches.size(), 1u);
  EXPECT_EQ(filter.batches[0].op, BatchOp::AllOf);
  EXPECT_EQ(filter.batches[0].refs, Strings{"B1"});
}

TEST(AssetFilter, EmptyBatchesArrayAddsNoCondition) {
  EXPECT_TRUE(parseAssetFilter(R"({"batches": []})").empty());
  EXPECT_TRUE(parseAssetFilter(R"({"batches": {"$all": []}})").empty());
}

TEST(AssetFilter, BatchesInIsAnyOf) {
  const auto filter = parseAssetFilter(R"({"batches": {"$in": ["B1", "B2"]}})");
  ASSERT_EQ(filter.batches.size(), 1u);
  EXPECT_EQ(filter.batches[0].op, BatchOp::AnyOf);
  EXPECT_EQ(filter.batches[0].refs, (Strings{"B1", "B2"}));
}

TEST(AssetFilter, BatchesSizeZeroIsInNoBatch) {
  for (const char* json : {R"({"batches": {"$size": 0}})", R"({"batches": {"$size": 0.0}})"}) {
    const auto filter = parseAssetFilter(json);
    ASSERT_EQ(filter.batches.size(), 1u) << json;
    EXPECT_EQ(filter.batches[0].op, BatchOp::NoBatch);
    EXPECT_TRUE(filter.batches[0].refs.empty());
  }
}

TEST(AssetFilter, IsPreLabeled) {
  EXPECT_EQ(parseAssetFilter(R"({"isPreLabeled": true})").isPreLabeled, true);
  EXPECT_EQ(parseAssetFilter(R"({"isPreLabeled": false})").isPreLabeled, false);
}

TEST(AssetFilter, CreatedAtRange) {
  const auto filter = parseAssetFilter(R"({"createdAt": {
    "$gt": "2026-01-01T00:00:00.000Z", "$gte": "2026-01-02",
    "$lt": "2026-02-01T10:00:00+02:00", "$lte": "2026-03-01T00:00:00.123456Z"}})");
  ASSERT_EQ(filter.createdAt.size(), 4u);
  EXPECT_EQ(filter.createdAt[0].op, CompareOp::Gt);
  EXPECT_EQ(filter.createdAt[0].millis, *core::parseIsoMillis("2026-01-01T00:00:00Z"));
  EXPECT_EQ(filter.createdAt[1].op, CompareOp::Gte);
  EXPECT_EQ(filter.createdAt[1].millis, *core::parseIsoMillis("2026-01-02T00:00:00Z"));
  EXPECT_EQ(filter.createdAt[2].op, CompareOp::Lt);
  EXPECT_EQ(filter.createdAt[2].millis, *core::parseIsoMillis("2026-02-01T08:00:00Z"));
  EXPECT_EQ(filter.createdAt[3].op, CompareOp::Lte);
  EXPECT_EQ(filter.createdAt[3].millis, *core::parseIsoMillis("2026-03-01T00:00:00.123Z"));
}

TEST(AssetFilter, MetadataScalarsAreEquality) {
  const auto filter =
      parseAssetFilter(R"({"metadata.camera": "front", "metadata.a.b": 2.5, "metadata.ok": true})");
  ASSERT_EQ(filter.metadata.size(), 3u);
  EXPECT_EQ(filter.metadata[0].path, Strings{"camera"});
  EXPECT_EQ(filter.metadata[0].op, MetadataOp::Eq);
  EXPECT_EQ(filter.metadata[0].values.at(0).kind, Scalar::Kind::String);
  EXPECT_EQ(filter.metadata[0].values.at(0).text, "front");
  EXPECT_EQ(filter.metadata[1].path, (Strings{"a", "b"}));
  EXPECT_EQ(filter.metadata[1].values.at(0).kind, Scalar::Kind::Number);
  EXPECT_EQ(filter.metadata[1].values.at(0).number, 2.5);
  EXPECT_EQ(filter.metadata[2].values.at(0).kind, Scalar::Kind::Bool);
  EXPECT_TRUE(filter.metadata[2].values.at(0).boolean);
}

TEST(AssetFilter, MetadataOperators) {
  const auto filter = parseAssetFilter(R"({"metadata.n": {
    "$eq": 1, "$ne": "x", "$in": ["a", 2, false], "$exists": false,
    "$gt": 1, "$gte": -2, "$lt": 3.5, "$lte": 18446744073709551615}})");
  ASSERT_EQ(filter.metadata.size(), 8u);
  const auto& m = filter.metadata;
  EXPECT_EQ(m[0].op, MetadataOp::Eq);
  EXPECT_EQ(m[0].values.at(0).number, 1);
  EXPECT_EQ(m[1].op, MetadataOp::Ne);
  EXPECT_EQ(m[1].values.at(0).text, "x");
  EXPECT_EQ(m[2].op, MetadataOp::In);
  ASSERT_EQ(m[2].values.size(), 3u);
  EXPECT_EQ(m[2].values[0].text, "a");
  EXPECT_EQ(m[2].values[1].number, 2);
  EXPECT_EQ(m[2].values[2].kind, Scalar::Kind::Bool);
  EXPECT_FALSE(m[2].values[2].boolean);
  EXPECT_EQ(m[3].op, MetadataOp::Exists);
  EXPECT_FALSE(m[3].exists);
  EXPECT_TRUE(m[3].values.empty());
  EXPECT_EQ(m[4].op, MetadataOp::Gt);
  EXPECT_EQ(m[5].op, MetadataOp::Gte);
  EXPECT_EQ(m[5].values.at(0).number, -2);
  EXPECT_EQ(m[6].op, MetadataOp::Lt);
  EXPECT_EQ(m[6].values.at(0).kind, Scalar::Kind::Number);
  EXPECT_EQ(m[7].op, MetadataOp::Lte);
  EXPECT_EQ(m[7].values.at(0).number, 18446744073709551615.0);
  for (const auto& condition : m) EXPECT_EQ(condition.path, Strings{"n"});
}

TEST(AssetFilter, MetadataExistsTrue) {
  const auto filter = parseAssetFilter(R"({"metadata.x": {"$exists": true}})");
  ASSERT_EQ(filter.metadata.size(), 1u);
  EXPECT_TRUE(filter.metadata[0].exists);
}

TEST(AssetFilter, NestedMetadataObjectIsEqualityOnEachPath) {
  const auto filter = parseAssetFilter(
      R"({"metadata": {"camera": "front", "geo": {"lat": 1, "src": {"$in": ["gps"]}}, "a.b": false}})");
  ASSERT_EQ(filter.metadata.size(), 4u);
  EXPECT_EQ(filter.metadata[0].path, Strings{"camera"});
  EXPECT_EQ(filter.metadata[0].op, MetadataOp::Eq);
  EXPECT_EQ(filter.metadata[1].path, (Strings{"geo", "lat"}));
  EXPECT_EQ(filter.metadata[1].values.at(0).number, 1);
  EXPECT_EQ(filter.metadata[2].path, (Strings{"geo", "src"}));
  EXPECT_EQ(filter.metadata[2].op, MetadataOp::In);
  EXPECT_EQ(filter.metadata[3].path, (Strings{"a", "b"}));
  EXPECT_EQ(filter.metadata[3].values.at(0).kind, Scalar::Kind::Bool);
}

TEST(AssetFilter, NestedObjectUnderADottedKey) {
  const auto filter = parseAssetFilter(R"({"metadata.geo": {"lat": {"$gt": 10}}})");
  ASSERT_EQ(filter.metadata.size(), 1u);
  EXPECT_EQ(filter.metadata[0].path, (Strings{"geo", "lat"}));
  EXPECT_EQ(filter.metadata[0].op, MetadataOp::Gt);
}

TEST(AssetFilter, EmptyMetadataObjectAddsNoCondition) {
  EXPECT_TRUE(parseAssetFilter(R"({"metadata": {}})").empty());
}

TEST(AssetFilter, KeysAreAnded) {
  const auto filter = parseAssetFilter(
      R"({"externalId": "a", "batches": {"$size": 0}, "isPreLabeled": false,
          "createdAt": {"$gt": "2026-01-01"}, "metadata.k": 1})");
  EXPECT_EQ(filter.strings.size(), 1u);
  EXPECT_EQ(filter.batches.size(), 1u);
  EXPECT_TRUE(filter.isPreLabeled.has_value());
  EXPECT_EQ(filter.createdAt.size(), 1u);
  EXPECT_EQ(filter.metadata.size(), 1u);
}

TEST(AssetFilter, TenThousandValuesAreAccepted) {
  std::string json = R"({"_id": {"$in": [)";
  for (int i = 0; i < 10000; ++i) json += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  json += "]}}";
  EXPECT_EQ(parseAssetFilter(json).strings.at(0).second.values.size(), 10000u);
}

// --- asset filter: rejections

TEST(AssetFilterRejects, MalformedJson) {
  EXPECT_EQ(assetError("{"), "filters: malformed JSON");
  EXPECT_EQ(assetError(R"({"a":})"), "filters: malformed JSON");
  EXPECT_EQ(assetError("{} x"), "filters: malformed JSON");
  EXPECT_EQ(assetError(R"({'externalId': 'a'})"), "filters: malformed JSON");
}

TEST(AssetFilterRejects, NotAnObject) {
  EXPECT_EQ(assetError("[]"), "filters: must be a JSON object");
  EXPECT_EQ(assetError("null"), "filters: must be a JSON object");
  EXPECT_EQ(assetError(R"("a")"), "filters: must be a JSON object");
  EXPECT_EQ(assetError("1"), "filters: must be a JSON object");
}

// `levels` nested objects in all: {"metadata.a": {"k": {"k": ... 1}}}.
std::string nestedMetadata(int levels) {
  std::string json = R"({"metadata.a": )";
  for (int i = 1; i < levels; ++i) json += R"({"k": )";
  json += "1";
  json += std::string(levels, '}');
  return json;
}

TEST(AssetFilterRejects, DeepNesting) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(assetError(deep), "filters: nested too deeply (at most 16 levels)");
  EXPECT_EQ(parseAssetFilter(nestedMetadata(16)).metadata.at(0).path.size(), 16u);
  EXPECT_EQ(assetError(nestedMetadata(17)), "filters: nested too deeply (at most 16 levels)");
}

TEST(AssetFilterRejects, UnknownKey) {
  EXPECT_EQ(assetError(R"({"foo": 1})"), "filters.foo: unknown filter key");
  EXPECT_EQ(assetError(R"({"$or": []})"), "filters.$or: unknown filter key");
  EXPECT_EQ(assetError(R"({"metadatax": 1})"), "filters.metadatax: unknown filter key");
  EXPECT_EQ(assetError(R"({"stage": "Label"})"), "filters.stage: unknown filter key");
}

TEST(AssetFilterRejects, StringFieldShapes) {
  EXPECT_EQ(assetError(R"({"_id": 1})"),
            "filters._id: must be a string or an object of $eq, $ne, $in, $nin");
  EXPECT_EQ(assetError(R"({"createdBy": null})"),
            "filters.createdBy: must be a string or an object of $eq, $ne, $in, $nin");
  EXPECT_EQ(assetError(R"({"editorType": ["a"]})"),
            "filters.editorType: must be a string or an object of $eq, $ne, $in, $nin");
  EXPECT_EQ(assetError(R"({"externalId": true})"),
            "filters.externalId: must be a string or an object of $eq, $ne, $in, $nin, $prefix");
  EXPECT_EQ(assetError(R"({"externalId": {}})"), "filters.externalId: needs an operator");
}

TEST(AssetFilterRejects, StringFieldOperators) {
  EXPECT_EQ(assetError(R"({"_id": {"$regex": "a"}})"), "filters._id.$regex: unknown operator");
  EXPECT_EQ(assetError(R"({"_id": {"$prefix": "a"}})"), "filters._id.$prefix: unknown operator");
  EXPECT_EQ(assetError(R"({"_id": {"in": ["a"]}})"), "filters._id.in: unknown operator");
  EXPECT_EQ(assetError(R"({"_id": {"$eq": 1}})"), "filters._id.$eq: must be a string");
  EXPECT_EQ(assetError(R"({"_id": {"$ne": null}})"), "filters._id.$ne: must be a string");
  EXPECT_EQ(assetError(R"({"externalId": {"$prefix": 1}})"),
            "filters.externalId.$prefix: must be a string");
  EXPECT_EQ(assetError(R"({"_id": {"$in": "a"}})"), "filters._id.$in: must be an array of strings");
  EXPECT_EQ(assetError(R"({"_id": {"$nin": {}}})"),
            "filters._id.$nin: must be an array of strings");
  EXPECT_EQ(assetError(R"({"_id": {"$in": ["a", "b", 3]}})"),
            "filters._id.$in[2]: must be a string");
}

TEST(AssetFilterRejects, BatchesShapes) {
  const std::string shape = R"(must be an array of batch ids or {"$in":[...]} or {"$size":0})";
  EXPECT_EQ(assetError(R"({"batches": "B1"})"), "filters.batches: " + shape);
  EXPECT_EQ(assetError(R"({"batches": null})"), "filters.batches: " + shape);
  EXPECT_EQ(assetError(R"({"batches": {}})"), "filters.batches: " + shape);
  EXPECT_EQ(assetError(R"({"batches": ["B1", 2]})"), "filters.batches[1]: must be a string");
  EXPECT_EQ(assetError(R"({"batches": {"$nin": ["B1"]}})"),
            "filters.batches.$nin: unknown operator");
  EXPECT_EQ(assetError(R"({"batches": {"$in": "B1"}})"),
            "filters.batches.$in: must be an array of strings");
  EXPECT_EQ(assetError(R"({"batches": {"$all": [1]}})"),
            "filters.batches.$all[0]: must be a string");
  EXPECT_EQ(assetError(R"({"batches": {"$size": 1}})"), "filters.batches.$size: must be 0");
  EXPECT_EQ(assetError(R"({"batches": {"$size": "0"}})"), "filters.batches.$size: must be 0");
}

TEST(AssetFilterRejects, IsPreLabeled) {
  EXPECT_EQ(assetError(R"({"isPreLabeled": "true"})"),
            "filters.isPreLabeled: must be true or false");
  EXPECT_EQ(assetError(R"({"isPreLabeled": 1})"), "filters.isPreLabeled: must be true or false");
}

TEST(AssetFilterRejects, CreatedAt) {
  EXPECT_EQ(assetError(R"({"createdAt": "2026-01-01"})"),
            "filters.createdAt: must be an object of $gt, $gte, $lt, $lte");
  EXPECT_EQ(assetError(R"({"createdAt": {}})"),
            "filters.createdAt: must be an object of $gt, $gte, $lt, $lte");
  EXPECT_EQ(assetError(R"({"createdAt": {"$gtx": "2026-01-01"}})"),
            "filters.createdAt.$gtx: unknown operator");
  EXPECT_EQ(assetError(R"({"createdAt": {"$eq": "2026-01-01"}})"),
            "filters.createdAt.$eq: unknown operator");
  EXPECT_EQ(assetError(R"({"createdAt": {"$gt": "yesterday"}})"),
            "filters.createdAt.$gt: must be an ISO-8601 time");
  EXPECT_EQ(assetError(R"({"createdAt": {"$lt": "2026-02-30"}})"),
            "filters.createdAt.$lt: must be an ISO-8601 time");
  EXPECT_EQ(assetError(R"({"createdAt": {"$lte": 1700000000000}})"),
            "filters.createdAt.$lte: must be an ISO-8601 time");
}

TEST(AssetFilterRejects, MetadataShapes) {
  EXPECT_EQ(assetError(R"({"metadata.a": null})"),
            "filters.metadata.a: must be a string, number, boolean or an object of operators");
  EXPECT_EQ(assetError(R"({"metadata.a": [1]})"),
            "filters.metadata.a: must be a string, number, boolean or an object of operators");
  EXPECT_EQ(assetError(R"({"metadata.a": {}})"), "filters.metadata.a: needs an operator or a key");
  EXPECT_EQ(assetError(R"({"metadata.a": {"$gt": 1, "b": 2}})"),
            "filters.metadata.a: cannot mix operators and keys");
  EXPECT_EQ(assetError(R"({"metadata": 1})"), "filters.metadata: must be an object");
  EXPECT_EQ(assetError(R"({"metadata": {"$exists": true}})"),
            "filters.metadata.$exists: unknown operator");
}

TEST(AssetFilterRejects, MetadataPaths) {
  EXPECT_EQ(assetError(R"({"metadata.": 1})"), "filters.metadata.: empty metadata path segment");
  EXPECT_EQ(assetError(R"({"metadata.a..b": 1})"),
            "filters.metadata.a..b: empty metadata path segment");
  EXPECT_EQ(assetError(R"({"metadata.a.": 1})"),
            "filters.metadata.a.: empty metadata path segment");
  EXPECT_EQ(assetError(R"({"metadata": {"": 1}})"),
            "filters.metadata.: empty metadata path segment");
  EXPECT_EQ(assetError(R"({"metadata": {"a": {".b": 1}}})"),
            "filters.metadata.a..b: empty metadata path segment");
}

TEST(AssetFilterRejects, MetadataOperators) {
  EXPECT_EQ(assetError(R"({"metadata.a": {"$regex": "x"}})"),
            "filters.metadata.a.$regex: unknown operator");
  EXPECT_EQ(assetError(R"({"metadata.a": {"$nin": ["x"]}})"),
            "filters.metadata.a.$nin: unknown operator");
  EXPECT_EQ(assetError(R"({"metadata.a": {"$eq": null}})"),
            "filters.metadata.a.$eq: must be a string, number or boolean");
  EXPECT_EQ(assetError(R"({"metadata.a": {"$ne": {}}})"),
            "filters.metadata.a.$ne: must be a string, number or boolean");
  EXPECT_EQ(assetError(R"({"metadata.a": {"$in": 1}})"),
            "filters.metadata.a.$in: must be an array");
  EXPECT_EQ(assetError(R"({"metadata.a": {"$in": [1, null]}})"),
            "filters.metadata.a.$in[1]: must be a string, number or boolean");
  EXPECT_EQ(assetError(R"({"metadata.a": {"$exists": 1}})"),
            "filters.metadata.a.$exists: must be true or false");
  for (const char* op : {"$gt", "$gte", "$lt", "$lte"}) {
    EXPECT_EQ(assetError(std::string(R"({"metadata.a": {")") + op + R"(": "5"}})"),
              std::string("filters.metadata.a.") + op + ": must be a number");
  }
  EXPECT_EQ(assetError(R"({"metadata": {"geo": {"lat": {"$gt": true}}}})"),
            "filters.metadata.geo.lat.$gt: must be a number");
}

TEST(AssetFilterRejects, TooManyValues) {
  std::string json = R"({"_id": {"$in": [)";
  for (int i = 0; i < 10001; ++i) json += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  json += "]}}";
  EXPECT_EQ(assetError(json), "filters._id.$in: too many values (at most 10000 in a filter)");
}

TEST(AssetFilterRejects, TooManyValuesAcrossKeys) {
  auto list = [](int n) {
    std::string out = "[";
    for (int i = 0; i < n; ++i) out += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
    return out + "]";
  };
  EXPECT_EQ(assetError(R"({"_id": {"$in": )" + list(6000) + R"(}, "batches": )" + list(6000) + "}"),
            "filters.batches: too many values (at most 10000 in a filter)");
  EXPECT_EQ(assetError(R"({"metadata.a": {"$in": )" + list(6000) +
                       R"(, "$ne": 1}, "_id": {"$nin": )" + list(6000) + "}}"),
            "filters._id.$nin: too many values (at most 10000 in a filter)");
}

TEST(AssetFilterRejects, TooManyConditions) {
  std::string json = "{";
  for (int i = 0; i < 1001; ++i)
    json += (i ? ",\"metadata.k" : "\"metadata.k") + std::to_string(i) + "\": 1";
  json += "}";
  EXPECT_EQ(assetError(json), "filters: too many conditions (at most 1000)");
}

// --- task filter

TEST(TaskFilter, EmptyText) {
  const auto filter = parseTaskFilter("");
  EXPECT_TRUE(filter.strings.empty());
  EXPECT_TRUE(filter.batches.empty());
  EXPECT_TRUE(filter.createdAt.empty());
  EXPECT_TRUE(filter.priority.empty());
}

TEST(TaskFilter, SdkGetTasksWireForm) {
  const auto params = http::Params::parseQuery(
      "page=1&limit=10&includeAnswer=true&filter=%7B%22stage%22%3A%20%7B%22%24in%22%3A%20%5B%"
      "22Complete%22%5D%7D%2C%20%22batches%22%3A%20%7B%22%24in%22%3A%20%5B%22B1%22%5D%7D%7D&sort=-"
      "createdAt");
  const auto filter = parseTaskFilter(params.get("filter").value());
  ASSERT_EQ(filter.strings.size(), 1u);
  EXPECT_EQ(filter.strings[0].first, TaskStringField::Stage);
  EXPECT_EQ(filter.strings[0].second.op, StringOp::In);
  EXPECT_EQ(filter.strings[0].second.values, Strings{"Complete"});
  ASSERT_EQ(filter.batches.size(), 1u);
  EXPECT_EQ(filter.batches[0].op, BatchOp::AnyOf);
  EXPECT_EQ(filter.batches[0].refs, Strings{"B1"});
}

TEST(TaskFilter, SdkTaskFilterFields) {
  const auto filter = parseTaskFilter(R"({
    "stage": "Label", "status": {"$eq": "TODO"}, "externalId": {"$ne": "x"},
    "createdBy": {"$nin": ["k"]}, "asset": {"$in": ["a1"]}, "_id": "t1",
    "createdAt": {"$gt": "2026-01-01T00:00:00.000Z", "$lt": "2026-01-02T00:00:00.000000Z"},
    "priority": {"$eq": 3}})");
  ASSERT_EQ(filter.strings.size(), 6u);
  EXPECT_EQ(filter.strings[0].first, TaskStringField::Stage);
  EXPECT_EQ(filter.strings[0].second.op, StringOp::Eq);
  EXPECT_EQ(filter.strings[1].first, TaskStringField::Status);
  EXPECT_EQ(filter.strings[1].second.op, StringOp::Eq);
  EXPECT_EQ(filter.strings[1].second.values, Strings{"TODO"});
  EXPECT_EQ(filter.strings[2].first, TaskStringField::ExternalId);
  EXPECT_EQ(filter.strings[2].second.op, StringOp::Ne);
  EXPECT_EQ(filter.strings[3].first, TaskStringField::CreatedBy);
  EXPECT_EQ(filter.strings[3].second.op, StringOp::Nin);
  EXPECT_EQ(filter.strings[4].first, TaskStringField::Asset);
  EXPECT_EQ(filter.strings[5].first, TaskStringField::Id);
  ASSERT_EQ(filter.createdAt.size(), 2u);
  EXPECT_EQ(filter.createdAt[1].op, CompareOp::Lt);
  EXPECT_EQ(filter.createdAt[1].millis, *core::parseIsoMillis("2026-01-02"));
  ASSERT_EQ(filter.priority.size(), 1u);
  EXPECT_EQ(filter.priority[0].op, NumberOp::Eq);
  EXPECT_EQ(filter.priority[0].value, 3);
}

TEST(TaskFilter, PriorityForms) {
  auto filter = parseTaskFilter(R"({"priority": -5})");
  ASSERT_EQ(filter.priority.size(), 1u);
  EXPECT_EQ(filter.priority[0].op, NumberOp::Eq);
  EXPECT_EQ(filter.priority[0].value, -5);
  filter = parseTaskFilter(
      R"({"priority": {"$eq": 1, "$ne": 2, "$gt": 3, "$gte": 4.5, "$lt": 5, "$lte": 6}})");
  ASSERT_EQ(filter.priority.size(), 6u);
  const NumberOp ops[] = {NumberOp::Eq,  NumberOp::Ne, NumberOp::Gt,
                          NumberOp::Gte, NumberOp::Lt, NumberOp::Lte};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(filter.priority[i].op, ops[i]);
  EXPECT_EQ(filter.priority[3].value, 4.5);
}

TEST(TaskFilter, BatchesArrayIsAllOf) {
  const auto filter = parseTaskFilter(R"({"batches": ["B1", "B2"]})");
  ASSERT_EQ(filter.batches.size(), 1u);
  EXPECT_EQ(filter.batches[0].op, BatchOp::AllOf);
  EXPECT_EQ(filter.batches[0].refs, (Strings{"B1", "B2"}));
}

TEST(TaskFilterRejects, Json) {
  EXPECT_EQ(taskError("{"), "filter: malformed JSON");
  EXPECT_EQ(taskError("[1]"), "filter: must be a JSON object");
  EXPECT_EQ(taskError(std::string(50, '[') + std::string(50, ']')),
            "filter: nested too deeply (at most 16 levels)");
}

TEST(TaskFilterRejects, UnknownKeysAndOperators) {
  EXPECT_EQ(taskError(R"({"reviewStatus": {"$eq": "Accepted"}})"),
            "filter.reviewStatus: unknown filter key");
  EXPECT_EQ(taskError(R"({"isPreLabeled": true})"), "filter.isPreLabeled: unknown filter key");
  EXPECT_EQ(taskError(R"({"status": {"$regex": "T"}})"), "filter.status.$regex: unknown operator");
  EXPECT_EQ(taskError(R"({"status": {"$exists": true}})"),
            "filter.status.$exists: unknown operator");
  EXPECT_EQ(taskError(R"({"externalId": {"$prefix": "a"}})"),
            "filter.externalId.$prefix: unknown operator");
  EXPECT_EQ(taskError(R"({"batches": {"$size": 0}})"), "filter.batches.$size: unknown operator");
  EXPECT_EQ(taskError(R"({"batches": {"$all": ["B1"]}})"), "filter.batches.$all: unknown operator");
  EXPECT_EQ(taskError(R"({"createdAt": {"$eq": "2026-01-01"}})"),
            "filter.createdAt.$eq: unknown operator");
  EXPECT_EQ(taskError(R"({"priority": {"$in": [1]}})"), "filter.priority.$in: unknown operator");
}

TEST(TaskFilterRejects, Shapes) {
  EXPECT_EQ(taskError(R"({"stage": 1})"),
            "filter.stage: must be a string or an object of $eq, $ne, $in, $nin");
  EXPECT_EQ(taskError(R"({"stage": ["Label"]})"),
            "filter.stage: must be a string or an object of $eq, $ne, $in, $nin");
  EXPECT_EQ(taskError(R"({"status": {"$eq": 1}})"), "filter.status.$eq: must be a string");
  EXPECT_EQ(taskError(R"({"batches": "B1"})"),
            R"(filter.batches: must be an array of batch ids or {"$in":[...]})");
  EXPECT_EQ(taskError(R"({"batches": {"$in": [1]}})"), "filter.batches.$in[0]: must be a string");
  EXPECT_EQ(taskError(R"({"createdAt": {"$gt": "soon"}})"),
            "filter.createdAt.$gt: must be an ISO-8601 time");
  EXPECT_EQ(taskError(R"({"createdAt": 5})"),
            "filter.createdAt: must be an object of $gt, $gte, $lt, $lte");
  EXPECT_EQ(taskError(R"({"priority": "1"})"),
            "filter.priority: must be a number or an object of $eq, $ne, $gt, $gte, $lt, $lte");
  EXPECT_EQ(taskError(R"({"priority": {}})"),
            "filter.priority: must be a number or an object of $eq, $ne, $gt, $gte, $lt, $lte");
  EXPECT_EQ(taskError(R"({"priority": {"$gte": "1"}})"), "filter.priority.$gte: must be a number");
}

TEST(TaskFilterRejects, TooManyValues) {
  std::string json = R"({"stage": {"$in": [)";
  for (int i = 0; i < 10001; ++i) json += (i ? ",\"s" : "\"s") + std::to_string(i) + "\"";
  json += "]}}";
  EXPECT_EQ(taskError(json), "filter.stage.$in: too many values (at most 10000 in a filter)");
}

}  // namespace
}  // namespace assetd::api
