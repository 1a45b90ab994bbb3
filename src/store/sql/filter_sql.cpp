#include "store/sql/filter_sql.hpp"

#include <algorithm>

namespace assetd::store::sql {
namespace {

const char* numberOperator(core::NumberOp op) {
  using core::NumberOp;
  return op == NumberOp::Eq    ? " = "
         : op == NumberOp::Ne  ? " <> "
         : op == NumberOp::Gt  ? " > "
         : op == NumberOp::Gte ? " >= "
         : op == NumberOp::Lt  ? " < "
                               : " <= ";
}

// The column of a string filter field; assets are aliased `a`, tasks `t` (with their asset `a`).
const char* assetStringColumn(core::AssetStringField field) {
  using core::AssetStringField;
  return field == AssetStringField::Id           ? "a.id"
         : field == AssetStringField::ExternalId ? "a.external_id"
         : field == AssetStringField::CreatedBy  ? "a.created_by"
                                                 : "a.editor_type";
}

const char* taskStringColumn(core::TaskStringField field) {
  using core::TaskStringField;
  return field == TaskStringField::Id           ? "t.id"
         : field == TaskStringField::Stage      ? "t.stage"
         : field == TaskStringField::Status     ? "t.status"
         : field == TaskStringField::ExternalId ? "a.external_id"
         : field == TaskStringField::Asset      ? "t.asset_id"
                                                : "t.created_by";
}

std::string stringCondition(SqlConditions& out, const std::string& column,
                            const core::StringCondition& c) {
  using core::StringOp;
  const Dialect& d = out.dialect();
  switch (c.op) {
    case StringOp::Eq:
      return c.values.empty() ? d.falseSql() : column + " = " + out.param(c.values[0]);
    case StringOp::Ne:
      return c.values.empty() ? d.trueSql() : column + " <> " + out.param(c.values[0]);
    case StringOp::In:
      return c.values.empty() ? d.falseSql() : d.inList(out, column, c.values, false);
    case StringOp::Nin:
      return c.values.empty() ? d.trueSql() : d.inList(out, column, c.values, true);
    case StringOp::Prefix:
      if (c.values.empty() || c.values[0].empty()) return d.trueSql();
      return d.startsWith(out, column, c.values[0]);
  }
  return d.falseSql();
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
    out.add(linked + " AND " + out.dialect().inList(out, "ab.batch_id", ids, false) + ")");
    return;
  }
  for (const auto& id : ids) out.add(linked + " AND ab.batch_id = " + out.param(id) + ")");
}

void addTimeConditions(SqlConditions& out, const std::string& column,
                       const std::vector<core::TimeCondition>& conditions) {
  for (const auto& c : conditions) out.add(column + comparisonOperator(c.op) + out.param(c.millis));
}

std::string metadataCondition(SqlConditions& out, const core::MetadataCondition& c) {
  using core::MetadataOp;
  // Conditions decided without looking at the row add no parameter (SQLite refuses to bind a
  // parameter the SQL does not have).
  const Dialect& d = out.dialect();
  const bool ordered = c.op == MetadataOp::Gt || c.op == MetadataOp::Gte ||
                       c.op == MetadataOp::Lt || c.op == MetadataOp::Lte;
  if (c.op != MetadataOp::Exists && c.values.empty())
    return c.op == MetadataOp::Ne ? d.trueSql() : d.falseSql();
  if (ordered && c.values[0].kind != core::Scalar::Kind::Number) return d.falseSql();
  return d.metadata(out, c);
}

}  // namespace

std::string SqlConditions::param(Value value) {
  params_.push_back(std::move(value));
  return dialect_.placeholder(params_.size());
}

void SqlConditions::addNothing() {
  matchesNothing_ = true;
  add(dialect_.falseSql());
}

std::string SqlConditions::sql() const {
  if (conditions_.empty()) return dialect_.trueSql();
  std::string sql;
  for (const auto& c : conditions_) {
    if (!sql.empty()) sql += " AND ";
    sql += "(" + c + ")";
  }
  return sql;
}

const char* comparisonOperator(core::CompareOp op) {
  using core::CompareOp;
  switch (op) {
    case CompareOp::Gt:
      return " > ";
    case CompareOp::Gte:
      return " >= ";
    case CompareOp::Lt:
      return " < ";
    case CompareOp::Lte:
      return " <= ";
  }
  return " = ";
}

core::CompareOp metadataComparison(core::MetadataOp op) {
  using core::CompareOp;
  using core::MetadataOp;
  return op == MetadataOp::Gt    ? CompareOp::Gt
         : op == MetadataOp::Gte ? CompareOp::Gte
         : op == MetadataOp::Lt  ? CompareOp::Lt
                                 : CompareOp::Lte;
}

SqlConditions projectAssets(const Dialect& dialect, const std::string& projectId,
                            const core::AssetFilter& filter, const BatchResolver& resolve) {
  SqlConditions where(dialect);
  where.add("a.project_id = " + where.param(projectId));
  where.add(dialect.live("a"));
  addAssetFilter(where, filter, resolve);
  return where;
}

SqlConditions projectTasks(const Dialect& dialect, const std::string& projectId,
                           const core::TaskFilter& filter, const BatchResolver& resolve) {
  SqlConditions where(dialect);
  where.add("t.project_id = " + where.param(projectId));
  where.add(dialect.live("t"));
  addTaskFilter(where, filter, resolve);
  return where;
}

void addAssetFilter(SqlConditions& out, const core::AssetFilter& filter,
                    const BatchResolver& resolve) {
  for (const auto& [field, condition] : filter.strings)
    out.add(stringCondition(out, assetStringColumn(field), condition));
  for (const auto& c : filter.batches) addBatchCondition(out, "a.id", c, resolve);
  if (filter.isPreLabeled) out.add(out.dialect().is(out, "a.is_pre_labeled", *filter.isPreLabeled));
  addTimeConditions(out, "a.created_at", filter.createdAt);
  for (const auto& c : filter.metadata) out.add(metadataCondition(out, c));
}

void addTaskFilter(SqlConditions& out, const core::TaskFilter& filter,
                   const BatchResolver& resolve) {
  for (const auto& [field, condition] : filter.strings)
    out.add(stringCondition(out, taskStringColumn(field), condition));
  for (const auto& c : filter.batches) addBatchCondition(out, "t.asset_id", c, resolve);
  addTimeConditions(out, "t.created_at", filter.createdAt);
  for (const auto& c : filter.priority)
    out.add("t.priority" + std::string(numberOperator(c.op)) + out.dialect().real(out, c.value));
}

}  // namespace assetd::store::sql
