#include "store/sqlite/filter_sql.hpp"

#include <algorithm>
#include <memory>

#include "store/filter_vocabulary.hpp"

namespace assetd::store::sqlite {
namespace {

using core::CompareOp;

std::string valueList(SqlConditions& out, const std::vector<std::string>& values) {
  std::string list;
  for (const auto& v : values) {
    if (!list.empty()) list += ", ";
    list += out.param(v);
  }
  return list;
}

std::string stringCondition(SqlConditions& out, const std::string& column,
                            const core::StringCondition& c) {
  using core::StringOp;
  switch (c.op) {
    case StringOp::Eq:
      return c.values.empty() ? "0" : column + " = " + out.param(c.values[0]);
    case StringOp::Ne:
      return c.values.empty() ? "1" : column + " <> " + out.param(c.values[0]);
    case StringOp::In:
      return c.values.empty() ? "0" : column + " IN (" + valueList(out, c.values) + ")";
    case StringOp::Nin:
      return c.values.empty() ? "1" : column + " NOT IN (" + valueList(out, c.values) + ")";
    case StringOp::Prefix: {
      // A range on the column's index; LIKE would treat % and _ in the value as wildcards.
      if (c.values.empty() || c.values[0].empty()) return "1";
      std::string sql = column + " >= " + out.param(c.values[0]);
      if (auto upper = prefixUpperBound(c.values[0]))
        sql += " AND " + column + " < " + out.param(*upper);
      return sql;
    }
  }
  return "0";
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
    out.add(linked + " AND ab.batch_id IN (" + valueList(out, ids) + "))");
    return;
  }
  for (const auto& id : ids) out.add(linked + " AND ab.batch_id = " + out.param(id) + ")");
}

void addTimeConditions(SqlConditions& out, const std::string& column,
                       const std::vector<core::TimeCondition>& conditions) {
  for (const auto& c : conditions) out.add(column + comparisonOperator(c.op) + out.param(c.millis));
}

// --- metadata ---

// Where one metadata path leads, as SQL: the JSON type and value found there, and how to ask
// whether a predicate on them holds.
class MetadataProbe {
 public:
  virtual ~MetadataProbe() = default;
  virtual const std::string& type() const = 0;
  virtual const std::string& value() const = 0;
  // True when the path exists and `predicate` (empty: no further condition) holds there;
  // never NULL.
  virtual std::string holds(const std::string& predicate) const = 0;
};

// json_type/json_extract with a quoted JSON path: the fast way, for ordinary keys.
class PathProbe : public MetadataProbe {
 public:
  PathProbe(SqlConditions& out, const std::string& column, const std::vector<std::string>& path) {
    std::string jsonPath = "$";
    for (const auto& key : path) jsonPath += ".\"" + key + "\"";
    std::string p = out.param(jsonPath);
    type_ = "json_type(" + column + ", " + p + ")";
    value_ = "json_extract(" + column + ", " + p + ")";
  }
  const std::string& type() const override { return type_; }
  const std::string& value() const override { return value_; }
  std::string holds(const std::string& predicate) const override {
    return predicate.empty() ? type_ + " IS NOT NULL" : "IFNULL(" + predicate + ", 0)";
  }

 private:
  std::string type_, value_;
};

// json_each, one level per key, compared with the decoded key: for keys that a JSON path
// cannot spell (quotes, backslashes, control characters, empty keys).
class EachProbe : public MetadataProbe {
 public:
  EachProbe(SqlConditions& out, const std::string& column, const std::vector<std::string>& path) {
    std::string from, where;
    for (std::size_t i = 0; i < path.size(); ++i) {
      std::string alias = "j" + std::to_string(i + 1);
      if (i == 0) {
        from = "json_each(" + column + ") " + alias;
      } else {
        std::string parent = "j" + std::to_string(i);
        from += ", json_each(CASE WHEN " + parent + ".type = 'object' THEN " + parent +
                ".value ELSE '{}' END) " + alias;
        where += " AND ";
      }
      where += alias + ".key = " + out.param(path[i]);
    }
    std::string last = "j" + std::to_string(path.size());
    type_ = last + ".type";
    value_ = last + ".value";
    prefix_ = "EXISTS (SELECT 1 FROM " + from + " WHERE " + where;
  }
  const std::string& type() const override { return type_; }
  const std::string& value() const override { return value_; }
  std::string holds(const std::string& predicate) const override {
    return prefix_ + (predicate.empty() ? "" : " AND " + predicate) + ")";
  }

 private:
  std::string type_, value_, prefix_;
};

bool pathSafeKey(const std::string& key) {
  if (key.empty()) return false;
  return std::none_of(key.begin(), key.end(), [](char ch) {
    return ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20;
  });
}

std::string equalsScalar(SqlConditions& out, const MetadataProbe& at, const core::Scalar& s) {
  using Kind = core::Scalar::Kind;
  switch (s.kind) {
    case Kind::String:
      return "(" + at.type() + " = 'text' AND " + at.value() + " = " + out.param(s.text) + ")";
    case Kind::Number:
      return "(" + at.type() + " IN ('integer', 'real') AND " + at.value() + " = " +
             out.param(s.number) + ")";
    case Kind::Bool:
      // json_extract reads true/false as 1/0; only the type tells a boolean from a number.
      return "(" + at.type() + (s.boolean ? " = 'true')" : " = 'false')");
  }
  return "0";
}

std::string metadataCondition(SqlConditions& out, const core::MetadataCondition& c) {
  using core::MetadataOp;
  // Conditions decided without looking at the row add no parameter (SQLite refuses to bind a
  // parameter the SQL does not have).
  const bool ordered = c.op == MetadataOp::Gt || c.op == MetadataOp::Gte ||
                       c.op == MetadataOp::Lt || c.op == MetadataOp::Lte;
  if (c.op != MetadataOp::Exists && c.values.empty()) return c.op == MetadataOp::Ne ? "1" : "0";
  if (ordered && c.values[0].kind != core::Scalar::Kind::Number) return "0";

  const std::string column = "a.metadata";
  std::unique_ptr<MetadataProbe> at;
  if (std::all_of(c.path.begin(), c.path.end(), pathSafeKey))
    at = std::make_unique<PathProbe>(out, column, c.path);
  else
    at = std::make_unique<EachProbe>(out, column, c.path);

  switch (c.op) {
    case MetadataOp::Exists:
      return c.exists ? at->holds("") : "NOT " + at->holds("");
    case MetadataOp::Eq:
      return at->holds(equalsScalar(out, *at, c.values[0]));
    case MetadataOp::Ne:  // like MongoDB, a missing key is "not equal"
      return "NOT " + at->holds(equalsScalar(out, *at, c.values[0]));
    case MetadataOp::In: {
      std::string any;
      for (const auto& v : c.values)
        any += (any.empty() ? "(" : " OR ") + equalsScalar(out, *at, v);
      return at->holds(any + ")");
    }
    case MetadataOp::Gt:
    case MetadataOp::Gte:
    case MetadataOp::Lt:
    case MetadataOp::Lte: {
      static constexpr CompareOp kOps[] = {CompareOp::Gt, CompareOp::Gte, CompareOp::Lt,
                                           CompareOp::Lte};
      auto op = kOps[static_cast<int>(c.op) - static_cast<int>(MetadataOp::Gt)];
      return at->holds("(" + at->type() + " IN ('integer', 'real') AND " + at->value() +
                       comparisonOperator(op) + out.param(c.values[0].number) + ")");
    }
  }
  return "0";
}

}  // namespace

std::string SqlConditions::param(SqlValue value) {
  params_.push_back(std::move(value));
  return "?" + std::to_string(params_.size());
}

std::string SqlConditions::sql() const {
  if (conditions_.empty()) return "1";
  std::string sql;
  for (const auto& c : conditions_) {
    if (!sql.empty()) sql += " AND ";
    sql += "(" + c + ")";
  }
  return sql;
}

void SqlConditions::bindTo(Statement& statement) const {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    int index = static_cast<int>(i + 1);
    const auto& v = params_[i];
    if (const auto* n = std::get_if<std::int64_t>(&v))
      statement.bindInt(index, *n);
    else if (const auto* d = std::get_if<double>(&v))
      statement.bindDouble(index, *d);
    else
      statement.bindText(index, std::get<std::string>(v));
  }
}

std::optional<std::string> prefixUpperBound(const std::string& prefix) {
  std::string upper = prefix;
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xFF) upper.pop_back();
  if (upper.empty()) return std::nullopt;
  upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  return upper;
}

void addAssetFilter(SqlConditions& out, const core::AssetFilter& filter,
                    const BatchResolver& resolve) {
  for (const auto& [field, condition] : filter.strings) {
    const char* column = assetStringColumn(field);
    out.add(stringCondition(out, column, condition));
  }
  for (const auto& c : filter.batches) addBatchCondition(out, "a.id", c, resolve);
  if (filter.isPreLabeled)
    out.add("a.is_pre_labeled = " + out.param(std::int64_t{*filter.isPreLabeled ? 1 : 0}));
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
    out.add("t.priority" + std::string(op) + out.param(c.value));
  }
}

}  // namespace assetd::store::sqlite
