#include "store/postgres/filter_sql.hpp"

#include <cmath>

#include "store/postgres/text_codec.hpp"

namespace assetd::store::postgres {
namespace {

using sql::SqlConditions;

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

class PostgresDialect final : public sql::Dialect {
 public:
  PostgresDialect() : Dialect('$', "true", "false") {}
  std::string live(const std::string& alias) const override { return "NOT " + alias + ".deleted"; }
  std::string inList(SqlConditions& out, const std::string& column,
                     const std::vector<std::string>& values, bool negated) const override {
    return column + (negated ? " <> ALL (" : " = ANY (") + out.param(values) + "::text[])";
  }
  std::string startsWith(SqlConditions& out, const std::string& column,
                         const std::string& prefix) const override {
    // starts-with: literal (no wildcards), and a range on the column's "C" collation index.
    return column + " ^@ " + out.param(prefix);
  }
  std::string is(SqlConditions&, const std::string& column, bool value) const override {
    return value ? column : "NOT " + column;
  }
  std::string real(SqlConditions& out, double value) const override {
    return out.param(value) + "::float8";
  }

  std::string metadata(SqlConditions& out, const core::MetadataCondition& c) const override {
    using core::MetadataOp;
    const std::string doc = "a.metadata_doc";
    auto contains = [&](const core::Scalar& v) {
      return doc + " @> " + out.param(metadataContainment(c.path, v)) + "::jsonb";
    };
    switch (c.op) {
      case MetadataOp::Exists: {
        std::string exists = doc + " @? " + out.param(metadataJsonPath(c.path)) + "::jsonpath";
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
        // In strict mode a comparison with anything but a number is unknown: no match.
        std::string predicate = metadataJsonPath(c.path) +
                                sql::comparisonOperator(sql::metadataComparison(c.op)) +
                                jsonNumber(c.values[0].number);
        return doc + " @@ " + out.param(predicate) + "::jsonpath";
      }
    }
    return "false";
  }
};

}  // namespace

const sql::Dialect& dialect() {
  static const PostgresDialect instance;
  return instance;
}

Params paramsOf(const sql::SqlConditions& conditions) {
  Params params;
  for (const auto& v : conditions.params()) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      params.integer(*n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      params.real(*d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      params.text(*s);
    } else {
      ArrayParam list;
      for (const auto& item : std::get<std::vector<std::string>>(v)) list.text(item);
      params.array(list);
    }
  }
  return params;
}

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

}  // namespace assetd::store::postgres
