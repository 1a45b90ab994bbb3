#include "store/postgres/filter_sql.hpp"

#include <algorithm>
#include <cmath>

#include "store/filter_vocabulary.hpp"
#include "store/postgres/text_codec.hpp"

namespace assetd::store::postgres {
namespace {

using core::CompareOp;

ArrayParam textArray(const std::vector<std::string>& values) {
  ArrayParam a;
  for (const auto& v : values) a.text(v);
  return a;
}

std::string stringCondition(SqlConditions& out, const std::string& column,
                            const core::StringCondition& c) {
  using core::StringOp;
  switch (c.op) {
    case StringOp::Eq:
      return c.values.empty() ? "false" : column + " = " + out.text(c.values[0]);
    case StringOp::Ne:
      return c.values.empty() ? "true" : column + " <> " + out.text(c.values[0]);
    case StringOp::In:
      return c.values.empty() ? "false"
                              : column + " = ANY (" + out.array(textArray(c.values)) + "::text[])";
    case StringOp::Nin:
      return c.values.empty() ? "true"
                              : column + " <> ALL (" + out.array(textArray(c.values)) + "::text[])";
    case StringOp::Prefix:
      // starts-with: literal (no wildcards), and a range on the column's "C" collation index.
      if (c.values.empty() || c.values[0].empty()) return "true";
      return column + " ^@ " + out.text(c.values[0]);
  }
  return "false";
}

void addBatchCondition(SqlConditions& out, const std::string& assetIdColumn,
                       const core::BatchCondition& c, const BatchResolver& resolve) {
  const std::string linked =
      "EXISTS (SELECT 1 FROM asset_batches ab WHERE ab.asset_id = " + assetIdColumn;
  if (c.op == core::BatchOp::NoBatch) {
    out.add("NOT " + linked + ")");
    return;
  }
  std::vector<std::string> ids;
  for (const auto& ref : c.refs) {
    auto id = resolve(ref);
    if (!id) {
      if (c.op == core::BatchOp::AllOf) return out.addNothing();  // in a batch that isn't
      continue;  // any-of: an unknown batch adds no match
    }
    if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
  }
  if (c.op == core::BatchOp::AnyOf) {
    if (ids.empty()) return out.addNothing();
    out.add(linked + " AND ab.batch_id = ANY (" + out.array(textArray(ids)) + "::text[]))");
    return;
  }
  for (const auto& id : ids) out.add(linked + " AND ab.batch_id = " + out.text(id) + ")");
}

void addTimeConditions(SqlConditions& out, const std::string& column,
                       const std::vector<core::TimeCondition>& conditions) {
  for (const auto& c : conditions)
    out.add(column + comparisonOperator(c.op) + out.integer(c.millis));
}

// --- metadata ---

// A number in JSON (and jsonpath) text; overflowed values as jsonbSafe stores them.
std::string jsonNumber(double value) {
  if (std::isnan(value)) return "null";
  if (std::isinf(value)) return value > 0 ? "1e99999" : "-1e99999";
  return realText(value);
}

std::string scalarJson(const core::Scalar& s) {
  using Kind = core::Scalar::Kind;
  switch (s.kind) {
    case Kind::String:
      return jsonQuote(encodeText(s.text));
    case Kind::Number:
      return jsonNumber(s.number);
    case Kind::Bool:
      return s.boolean ? "true" : "false";
  }
  return "null";
}

std::string metadataCondition(SqlConditions& out, const core::MetadataCondition& c) {
  using core::MetadataOp;
  const std::string doc = "a.metadata_doc";
  const bool ordered = c.op == MetadataOp::Gt || c.op == MetadataOp::Gte ||
                       c.op == MetadataOp::Lt || c.op == MetadataOp::Lte;
  if (c.op != MetadataOp::Exists && c.values.empty())
    return c.op == MetadataOp::Ne ? "true" : "false";
  if (ordered && c.values[0].kind != core::Scalar::Kind::Number) return "false";

  auto contains = [&](const core::Scalar& v) {
    return doc + " @> " + out.text(metadataContainment(c.path, v)) + "::jsonb";
  };
  switch (c.op) {
    case MetadataOp::Exists: {
      std::string exists = doc + " @? " + out.text(metadataJsonPath(c.path)) + "::jsonpath";
      return c.exists ? exists : "NOT COALESCE(" + exists + ", false)";
    }
    case MetadataOp::Eq:
      return contains(c.values[0]);
    case MetadataOp::Ne:  // like MongoDB, a missing key is "not equal"
      return "NOT " + contains(c.values[0]);
    case MetadataOp::In: {
      std::string any;
      for (const auto& v : c.values) any += (any.empty() ? "(" : " OR ") + contains(v);
      return any + ")";
    }
    case MetadataOp::Gt:
    case MetadataOp::Gte:
    case MetadataOp::Lt:
    case MetadataOp::Lte: {
      static constexpr CompareOp kOps[] = {CompareOp::Gt, CompareOp::Gte, CompareOp::Lt,
                                           CompareOp::Lte};
      auto op = kOps[static_cast<int>(c.op) - static_cast<int>(MetadataOp::Gt)];
      // In strict mode a comparison with anything but a number is unknown: no match.
      std::string predicate =
          metadataJsonPath(c.path) + comparisonOperator(op) + jsonNumber(c.values[0].number);
      return doc + " @@ " + out.text(predicate) + "::jsonpath";
    }
  }
  return "false";
}

}  // namespace

std::string metadataJsonPath(const std::vector<std::string>& path) {
  std::string out = "strict $";
  for (const auto& key : path) out += "." + jsonQuote(encodeText(key));
  return out;
}

std::string metadataContainment(const std::vector<std::string>& path, const core::Scalar& value) {
  std::string out = scalarJson(value);
  for (auto key = path.rbegin(); key != path.rend(); ++key)
    out = "{" + jsonQuote(encodeText(*key)) + ":" + out + "}";
  return out;
}

std::string SqlConditions::text(const std::string& value) {
  params_.text(value);
  return placeholder();
}

std::string SqlConditions::integer(std::int64_t value) {
  params_.integer(value);
  return placeholder();
}

std::string SqlConditions::real(double value) {
  params_.real(value);
  return placeholder();
}

std::string SqlConditions::array(const ArrayParam& value) {
  params_.array(value);
  return placeholder();
}

std::string SqlConditions::sql() const {
  if (conditions_.empty()) return "true";
  std::string sql;
  for (const auto& c : conditions_) {
    if (!sql.empty()) sql += " AND ";
    sql += "(" + c + ")";
  }
  return sql;
}

void addAssetFilter(SqlConditions& out, const core::AssetFilter& filter,
                    const BatchResolver& resolve) {
  for (const auto& [field, condition] : filter.strings) {
    const char* column = assetStringColumn(field);
    out.add(stringCondition(out, column, condition));
  }
  for (const auto& c : filter.batches) addBatchCondition(out, "a.id", c, resolve);
  if (filter.isPreLabeled)
    out.add(*filter.isPreLabeled ? "a.is_pre_labeled" : "NOT a.is_pre_labeled");
  addTimeConditions(out, "a.created_at", filter.createdAt);
  for (const auto& c : filter.metadata) out.add(metadataCondition(out, c));
}

void addTaskFilter(SqlConditions& out, const core::TaskFilter& filter,
                   const BatchResolver& resolve) {
  for (const auto& [field, condition] : filter.strings) {
    const char* column = taskStringColumn(field);
    out.add(stringCondition(out, column, condition));
  }
  for (const auto& c : filter.batches) addBatchCondition(out, "t.asset_id", c, resolve);
  addTimeConditions(out, "t.created_at", filter.createdAt);
  for (const auto& c : filter.priority) {
    const char* op = numberOperator(c.op);
    out.add("t.priority" + std::string(op) + out.real(c.value) + "::float8");
  }
}

}  // namespace assetd::store::postgres
