#pragma once
// The typed form of the asset and task filter languages (CONTRACT.md). The API edge parses
// JSON into these; stores translate them into queries. Every condition is ANDed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace assetd::core {

enum class StringOp { Eq, Ne, In, Nin, Prefix };
struct StringCondition {
  StringOp op = StringOp::Eq;
  std::vector<std::string> values;  // one value for Eq, Ne, Prefix
};

enum class CompareOp { Gt, Gte, Lt, Lte };
struct TimeCondition {
  CompareOp op = CompareOp::Gt;
  std::int64_t millis = 0;
};

enum class NumberOp { Eq, Ne, Gt, Gte, Lt, Lte };
struct NumberCondition {
  NumberOp op = NumberOp::Eq;
  double value = 0;
};

// A JSON scalar as it appears in a metadata condition.
struct Scalar {
  enum class Kind { String, Number, Bool } kind = Kind::String;
  std::string text;      // String
  double number = 0;     // Number
  bool boolean = false;  // Bool
};

enum class MetadataOp { Eq, Ne, In, Exists, Gt, Gte, Lt, Lte };
struct MetadataCondition {
  std::vector<std::string> path;  // "metadata.a.b" -> {"a", "b"}
  MetadataOp op = MetadataOp::Eq;
  std::vector<Scalar> values;  // one for Eq/Ne/Gt/...; many for In; none for Exists
  bool exists = true;          // Exists
};

enum class BatchOp { AllOf, AnyOf, NoBatch };
struct BatchCondition {
  BatchOp op = BatchOp::AllOf;
  std::vector<std::string> refs;  // batch ids or names of the project
};

enum class AssetStringField { Id, ExternalId, CreatedBy, EditorType };
struct AssetFilter {
  std::vector<std::pair<AssetStringField, StringCondition>> strings;
  std::vector<BatchCondition> batches;
  std::optional<bool> isPreLabeled;
  std::vector<TimeCondition> createdAt;
  std::vector<MetadataCondition> metadata;
  bool empty() const {
    return strings.empty() && batches.empty() && !isPreLabeled && createdAt.empty() &&
           metadata.empty();
  }
};

struct AssetQuery {
  AssetFilter filter;
  std::int64_t page = 1;    // from 1
  std::int64_t limit = 10;  // 1..100
  bool ascending = false;   // default newest first
};

enum class TaskStringField { Id, Stage, Status, ExternalId, Asset, CreatedBy };
struct TaskFilter {
  std::vector<std::pair<TaskStringField, StringCondition>> strings;
  std::vector<BatchCondition> batches;
  std::vector<TimeCondition> createdAt;
  std::vector<NumberCondition> priority;
};

struct TaskQuery {
  TaskFilter filter;
  std::int64_t page = 1;
  std::int64_t limit = 10;
  bool ascending = false;
  bool includeAnswer = false;
};

}  // namespace assetd::core
