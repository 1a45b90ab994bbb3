#include "api/filter_parser.hpp"

#include <boost/json.hpp>

#include "core/error.hpp"
#include "core/time.hpp"

namespace assetd::api {
namespace {

namespace json = boost::json;

// Bounds that keep a hostile filter from costing more than a legitimate one could need.
constexpr std::size_t kMaxDepth = 16;         // nesting of JSON arrays and objects
constexpr std::size_t kMaxValues = 10000;     // values of all $in/$nin/batch lists together
constexpr std::size_t kMaxConditions = 1000;  // conditions of one filter

[[noreturn]] void reject(const std::string& path, const std::string& what) {
  throw core::ApiError::badRequest(path, what);
}

// Counts what a filter asks for, across all of its keys.
class Budget {
 public:
  explicit Budget(std::string root) : root_(std::move(root)) {}
  void values(const std::string& path, std::size_t n) {
    values_ += n;
    if (values_ > kMaxValues)
      reject(path, "too many values (at most " + std::to_string(kMaxValues) + " in a filter)");
  }
  void condition() {
    if (++conditions_ > kMaxConditions)
      reject(root_, "too many conditions (at most " + std::to_string(kMaxConditions) + ")");
  }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  std::size_t values_ = 0;
  std::size_t conditions_ = 0;
};

std::string_view view(json::string_view s) {
  return {s.data(), s.size()};
}

json::object parseObject(std::string_view text, const std::string& root) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
  json::parse_options options;
  options.max_depth = kMaxDepth;
  boost::system::error_code ec;
  json::value value = json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec == json::error::too_deep)
    reject(root, "nested too deeply (at most " + std::to_string(kMaxDepth) + " levels)");
  if (ec) reject(root, "malformed JSON");
  if (!value.is_object()) reject(root, "must be a JSON object");
  return std::move(value.as_object());
}

std::vector<std::string> stringArray(const json::value& v, const std::string& path,
                                     Budget& budget) {
  if (!v.is_array()) reject(path, "must be an array of strings");
  const json::array& array = v.get_array();
  budget.values(path, array.size());
  std::vector<std::string> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) reject(path + "[" + std::to_string(i) + "]", "must be a string");
    out.emplace_back(view(array[i].get_string()));
  }
  return out;
}

std::string stringValue(const json::value& v, const std::string& path) {
  if (!v.is_string()) reject(path, "must be a string");
  return std::string(view(v.get_string()));
}

// A string, or an object of $eq/$ne/$in/$nin (and $prefix when allowed) operators.
std::vector<core::StringCondition> parseStringField(const json::value& v, const std::string& path,
                                                    bool allowPrefix, Budget& budget) {
  using core::StringOp;
  if (v.is_string()) return {{StringOp::Eq, {std::string(view(v.get_string()))}}};
  if (!v.is_object())
    reject(path, allowPrefix ? "must be a string or an object of $eq, $ne, $in, $nin, $prefix"
                             : "must be a string or an object of $eq, $ne, $in, $nin");
  if (v.get_object().empty()) reject(path, "needs an operator");
  std::vector<core::StringCondition> out;
  for (const auto& entry : v.get_object()) {
    const std::string_view op = view(entry.key());
    const std::string opPath = path + "." + std::string(op);
    if (op == "$eq") {
      out.push_back({StringOp::Eq, {stringValue(entry.value(), opPath)}});
    } else if (op == "$ne") {
      out.push_back({StringOp::Ne, {stringValue(entry.value(), opPath)}});
    } else if (op == "$in") {
      out.push_back({StringOp::In, stringArray(entry.value(), opPath, budget)});
    } else if (op == "$nin") {
      out.push_back({StringOp::Nin, stringArray(entry.value(), opPath, budget)});
    } else if (op == "$prefix" && allowPrefix) {
      out.push_back({StringOp::Prefix, {stringValue(entry.value(), opPath)}});
    } else {
      reject(opPath, "unknown operator");
    }
  }
  return out;
}

// An array of batch refs means all-of; an empty one asks for nothing and adds no condition.
// Assets also take {"$all":[...]} (the array form) and {"$size":0} (in no batch).
std::vector<core::BatchCondition> parseBatches(const json::value& v, const std::string& path,
                                               bool assetForms, Budget& budget) {
  using core::BatchOp;
  const char* shape = assetForms
                          ? R"(must be an array of batch ids or {"$in":[...]} or {"$size":0})"
                          : R"(must be an array of batch ids or {"$in":[...]})";
  std::vector<core::BatchCondition> out;
  auto allOf = [&](const json::value& list, const std::string& listPath) {
    auto refs = stringArray(list, listPath, budget);
    if (!refs.empty()) out.push_back({BatchOp::AllOf, std::move(refs)});
  };
  if (v.is_array()) {
    allOf(v, path);
    return out;
  }
  if (!v.is_object() || v.get_object().empty()) reject(path, shape);
  for (const auto& entry : v.get_object()) {
    const std::string_view op = view(entry.key());
    const std::string opPath = path + "." + std::string(op);
    if (op == "$in") {
      out.push_back({BatchOp::AnyOf, stringArray(entry.value(), opPath, budget)});
    } else if (op == "$all" && assetForms) {
      allOf(entry.value(), opPath);
    } else if (op == "$size" && assetForms) {
      const json::value& size = entry.value();
      if (!size.is_number() || size.to_number<double>() != 0) reject(opPath, "must be 0");
      out.push_back({BatchOp::NoBatch, {}});
    } else {
      reject(opPath, "unknown operator");
    }
  }
  return out;
}

std::optional<core::CompareOp> compareOp(std::string_view op) {
  using core::CompareOp;
  if (op == "$gt") return CompareOp::Gt;
  if (op == "$gte") return CompareOp::Gte;
  if (op == "$lt") return CompareOp::Lt;
  if (op == "$lte") return CompareOp::Lte;
  return std::nullopt;
}

std::vector<core::TimeCondition> parseTimeRange(const json::value& v, const std::string& path) {
  if (!v.is_object() || v.get_object().empty())
    reject(path, "must be an object of $gt, $gte, $lt, $lte");
  std::vector<core::TimeCondition> out;
  for (const auto& entry : v.get_object()) {
    const std::string opPath = path + "." + std::string(view(entry.key()));
    const auto op = compareOp(view(entry.key()));
    if (!op) reject(opPath, "unknown operator");
    const json::value& time = entry.value();
    const auto millis =
        time.is_string() ? core::parseIsoMillis(view(time.get_string())) : std::nullopt;
    if (!millis) reject(opPath, "must be an ISO-8601 time");
    out.push_back({*op, *millis});
  }
  return out;
}

double numberValue(const json::value& v, const std::string& path) {
  if (!v.is_number()) reject(path, "must be a number");
  return v.to_number<double>();
}

std::vector<core::NumberCondition> parseNumberField(const json::value& v, const std::string& path) {
  using core::NumberOp;
  if (v.is_number()) return {{NumberOp::Eq, v.to_number<double>()}};
  if (!v.is_object() || v.get_object().empty())
    reject(path, "must be a number or an object of $eq, $ne, $gt, $gte, $lt, $lte");
  std::vector<core::NumberCondition> out;
  for (const auto& entry : v.get_object()) {
    const std::string_view op = view(entry.key());
    const std::string opPath = path + "." + std::string(op);
    NumberOp numberOp;
    if (op == "$eq") {
      numberOp = NumberOp::Eq;
    } else if (op == "$ne") {
      numberOp = NumberOp::Ne;
    } else if (op == "$gt") {
      numberOp = NumberOp::Gt;
    } else if (op == "$gte") {
      numberOp = NumberOp::Gte;
    } else if (op == "$lt") {
      numberOp = NumberOp::Lt;
    } else if (op == "$lte") {
      numberOp = NumberOp::Lte;
    } else {
      reject(opPath, "unknown operator");
    }
    out.push_back({numberOp, numberValue(entry.value(), opPath)});
  }
  return out;
}

std::optional<core::Scalar> toScalar(const json::value& v) {
  core::Scalar scalar;
  if (v.is_string()) {
    scalar.kind = core::Scalar::Kind::String;
    scalar.text = view(v.get_string());
  } else if (v.is_number()) {
    scalar.kind = core::Scalar::Kind::Number;
    scalar.number = v.to_number<double>();
  } else if (v.is_bool()) {
    scalar.kind = core::Scalar::Kind::Bool;
    scalar.boolean = v.get_bool();
  } else {
    return std::nullopt;
  }
  return scalar;
}

core::Scalar scalarValue(const json::value& v, const std::string& path) {
  auto scalar = toScalar(v);
  if (!scalar) reject(path, "must be a string, number or boolean");
  return *scalar;
}

// "a.b" appended to `segments` as {"a", "b"}; every segment must be non-empty.
void appendSegments(std::vector<std::string>& segments, std::string_view dotted,
                    const std::string& path) {
  for (;;) {
    const std::size_t dot = dotted.find('.');
    const std::string_view segment = dotted.substr(0, dot);
    if (segment.empty()) reject(path, "empty metadata path segment");
    segments.emplace_back(segment);
    if (dot == std::string_view::npos) return;
    dotted.remove_prefix(dot + 1);
  }
}

std::optional<core::MetadataOp> metadataOp(std::string_view op) {
  using core::MetadataOp;
  if (op == "$eq") return MetadataOp::Eq;
  if (op == "$ne") return MetadataOp::Ne;
  if (op == "$in") return MetadataOp::In;
  if (op == "$exists") return MetadataOp::Exists;
  if (op == "$gt") return MetadataOp::Gt;
  if (op == "$gte") return MetadataOp::Gte;
  if (op == "$lt") return MetadataOp::Lt;
  if (op == "$lte") return MetadataOp::Lte;
  return std::nullopt;
}

core::MetadataCondition metadataOperator(const std::vector<std::string>& segments,
                                         core::MetadataOp op, const json::value& v,
                                         const std::string& opPath, Budget& budget) {
  using core::MetadataOp;
  core::MetadataCondition condition{segments, op, {}, true};
  switch (op) {
    case MetadataOp::Eq:
    case MetadataOp::Ne:
      condition.values.push_back(scalarValue(v, opPath));
      break;
    case MetadataOp::In: {
      if (!v.is_array()) reject(opPath, "must be an array");
      const json::array& array = v.get_array();
      budget.values(opPath, array.size());
      for (std::size_t i = 0; i < array.size(); ++i)
        condition.values.push_back(scalarValue(array[i], opPath + "[" + std::to_string(i) + "]"));
      break;
    }
    case MetadataOp::Exists:
      if (!v.is_bool()) reject(opPath, "must be true or false");
      condition.exists = v.get_bool();
      break;
    case MetadataOp::Gt:
    case MetadataOp::Gte:
    case MetadataOp::Lt:
    case MetadataOp::Lte:
      condition.values.push_back({core::Scalar::Kind::Number, {}, numberValue(v, opPath), false});
      break;
  }
  return condition;
}

// A value under a metadata path: a scalar (equality), an object of operators, or an object of
// nested keys (equality or operators one level down, so {"a":{"b":1}} is "a.b" = 1).
void parseMetadata(const json::value& v, const std::vector<std::string>& segments,
                   const std::string& path, Budget& budget,
                   std::vector<core::MetadataCondition>& out) {
  if (auto scalar = toScalar(v)) {
    budget.condition();
    out.push_back({segments, core::MetadataOp::Eq, {*scalar}, true});
    return;
  }
  if (!v.is_object()) reject(path, "must be a string, number, boolean or an object of operators");
  const json::object& object = v.get_object();
  if (object.empty()) reject(path, "needs an operator or a key");
  bool operators = false, keys = false;
  for (const auto& entry : object) (entry.key().starts_with('$') ? operators : keys) = true;
  if (operators && keys) reject(path, "cannot mix operators and keys");
  for (const auto& entry : object) {
    const std::string_view key = view(entry.key());
    const std::string keyPath = path + "." + std::string(key);
    if (keys) {
      auto nested = segments;
      appendSegments(nested, key, keyPath);
      parseMetadata(entry.value(), nested, keyPath, budget, out);
      continue;
    }
    const auto op = metadataOp(key);
    if (!op) reject(keyPath, "unknown operator");
    budget.condition();
    out.push_back(metadataOperator(segments, *op, entry.value(), keyPath, budget));
  }
}

void parseMetadataKey(std::string_view key, const json::value& v, const std::string& path,
                      Budget& budget, std::vector<core::MetadataCondition>& out) {
  if (key == "metadata") {
    // {"metadata": {...}}: every key names a path below metadata.
    if (!v.is_object()) reject(path, "must be an object");
    for (const auto& entry : v.get_object()) {
      const std::string_view nestedKey = view(entry.key());
      const std::string keyPath = path + "." + std::string(nestedKey);
      if (nestedKey.starts_with('$')) reject(keyPath, "unknown operator");
      std::vector<std::string> segments;
      appendSegments(segments, nestedKey, keyPath);
      parseMetadata(entry.value(), segments, keyPath, budget, out);
    }
    return;
  }
  std::vector<std::string> segments;
  appendSegments(segments, key.substr(std::string_view("metadata.").size()), path);
  parseMetadata(v, segments, path, budget, out);
}

template <typename Field>
void addStrings(std::vector<std::pair<Field, core::StringCondition>>& out, Field field,
                std::vector<core::StringCondition> conditions, Budget& budget) {
  for (auto& condition : conditions) {
    budget.condition();
    out.emplace_back(field, std::move(condition));
  }
}

template <typename T>
void addAll(std::vector<T>& out, std::vector<T> conditions, Budget& budget) {
  for (auto& condition : conditions) {
    budget.condition();
    out.push_back(std::move(condition));
  }
}

std::optional<core::AssetStringField> assetStringField(std::string_view key) {
  using core::AssetStringField;
  if (key == "_id") return AssetStringField::Id;
  if (key == "externalId") return AssetStringField::ExternalId;
  if (key == "createdBy") return AssetStringField::CreatedBy;
  if (key == "editorType") return AssetStringField::EditorType;
  return std::nullopt;
}

std::optional<core::TaskStringField> taskStringField(std::string_view key) {
  using core::TaskStringField;
  if (key == "_id") return TaskStringField::Id;
  if (key == "stage") return TaskStringField::Stage;
  if (key == "status") return TaskStringField::Status;
  if (key == "externalId") return TaskStringField::ExternalId;
  if (key == "asset") return TaskStringField::Asset;
  if (key == "createdBy") return TaskStringField::CreatedBy;
  return std::nullopt;
}

}  // namespace

core::AssetFilter parseAssetFilter(std::string_view text) {
  Budget budget("filters");
  const json::object object = parseObject(text, budget.root());
  core::AssetFilter filter;
  for (const auto& entry : object) {
    const std::string_view key = view(entry.key());
    const json::value& value = entry.value();
    const std::string path = budget.root() + "." + std::string(key);
    if (auto field = assetStringField(key)) {
      const bool prefix = *field == core::AssetStringField::ExternalId;
      addStrings(filter.strings, *field, parseStringField(value, path, prefix, budget), budget);
    } else if (key == "batches") {
      addAll(filter.batches, parseBatches(value, path, true, budget), budget);
    } else if (key == "isPreLabeled") {
      if (!value.is_bool()) reject(path, "must be true or false");
      filter.isPreLabeled = value.get_bool();
    } else if (key == "createdAt") {
      addAll(filter.createdAt, parseTimeRange(value, path), budget);
    } else if (key == "metadata" || key.starts_with("metadata.")) {
      parseMetadataKey(key, value, path, budget, filter.metadata);
    } else {
      reject(path, "unknown filter key");
    }
  }
  return filter;
}

core::TaskFilter parseTaskFilter(std::string_view text) {
  Budget budget("filter");
  const json::object object = parseObject(text, budget.root());
  core::TaskFilter filter;
  for (const auto& entry : object) {
    const std::string_view key = view(entry.key());
    const json::value& value = entry.value();
    const std::string path = budget.root() + "." + std::string(key);
    if (auto field = taskStringField(key)) {
      addStrings(filter.strings, *field, parseStringField(value, path, false, budget), budget);
    } else if (key == "batches") {
      addAll(filter.batches, parseBatches(value, path, false, budget), budget);
    } else if (key == "createdAt") {
      addAll(filter.createdAt, parseTimeRange(value, path), budget);
    } else if (key == "priority") {
      addAll(filter.priority, parseNumberField(value, path), budget);
    } else {
      reject(path, "unknown filter key");
    }
  }
  return filter;
}

}  // namespace assetd::api
