#include "store/sqlite/filter_sql.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace assetd::store::sqlite {
namespace {

using sql::SqlConditions;

std::string valueList(SqlConditions& out, const std::vector<std::string>& values) {
  std::string list;
  for (const auto& v : values) {
    if (!list.empty()) list += ", ";
    list += out.param(v);
  }
  return list;
}

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

class SqliteDialect final : public sql::Dialect {
 public:
  SqliteDialect() : Dialect('?', "1", "0") {}
  std::string live(const std::string& alias) const override { return alias + ".deleted = 0"; }
  std::string inList(SqlConditions& out, const std::string& column,
                     const std::vector<std::string>& values, bool negated) const override {
    return column + (negated ? " NOT IN (" : " IN (") + valueList(out, values) + ")";
  }
  std::string startsWith(SqlConditions& out, const std::string& column,
                         const std::string& prefix) const override {
    // A range on the column's index; LIKE would treat % and _ in the value as wildcards.
    std::string sql = column + " >= " + out.param(prefix);
    if (auto upper = prefixUpperBound(prefix)) sql += " AND " + column + " < " + out.param(*upper);
    return sql;
  }
  std::string is(SqlConditions& out, const std::string& column, bool value) const override {
    return column + " = " + out.param(std::int64_t{value ? 1 : 0});
  }
  std::string real(SqlConditions& out, double value) const override { return out.param(value); }

  std::string metadata(SqlConditions& out, const core::MetadataCondition& c) const override {
    using core::MetadataOp;
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
      case MetadataOp::Lte:
        return at->holds("(" + at->type() + " IN ('integer', 'real') AND " + at->value() +
                         sql::comparisonOperator(sql::metadataComparison(c.op)) +
                         out.param(c.values[0].number) + ")");
    }
    return "0";
  }
};

}  // namespace

const sql::Dialect& dialect() {
  static const SqliteDialect instance;
  return instance;
}

void bindParams(Statement& statement, const sql::SqlConditions& conditions) {
  const auto& params = conditions.params();
  for (std::size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    const auto& v = params[i];
    if (const auto* n = std::get_if<std::int64_t>(&v))
      statement.bindInt(index, *n);
    else if (const auto* d = std::get_if<double>(&v))
      statement.bindDouble(index, *d);
    else if (const auto* s = std::get_if<std::string>(&v))
      statement.bindText(index, *s);
    else  // lists are expanded by this dialect (anyOf), never bound whole
      throw std::logic_error("a list parameter in SQLite SQL");
  }
}

std::optional<std::string> prefixUpperBound(const std::string& prefix) {
  std::string upper = prefix;
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xFF) upper.pop_back();
  if (upper.empty()) return std::nullopt;
  upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  return upper;
}

}  // namespace assetd::store::sqlite
