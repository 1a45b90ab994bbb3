#pragma once
// Turns the typed filters of core/filter.hpp into SQL conditions, once for every engine. Values
// are only ever bound as parameters, never spliced into the SQL text. What the engines spell
// differently (placeholders, booleans, lists, prefixes, and how metadata is reached) is asked
// of the engine's Dialect; everything else — which column a field names, how batches, times
// and priorities are compared — is written here.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/filter.hpp"

namespace assetd::store::sql {

// A bound value: an integer, a float, a text, or a list of texts (engines with array
// parameters bind it as one value; the others expand it).
using Value = std::variant<std::int64_t, double, std::string, std::vector<std::string>>;

class Dialect;

// ANDed conditions and their parameters, numbered in the order they are added.
class SqlConditions {
 public:
  explicit SqlConditions(const Dialect& dialect) : dialect_(dialect) {}
  // Adds a parameter and returns its placeholder in the dialect's style ("?3", "$3").
  std::string param(Value value);
  void add(std::string condition) { conditions_.push_back(std::move(condition)); }
  // A condition no row can meet (an unknown batch in an all-of): callers can skip the query.
  void addNothing();
  bool matchesNothing() const { return matchesNothing_; }
  // "(c1) AND (c2) ..."; the dialect's true when empty.
  std::string sql() const;
  const std::vector<Value>& params() const { return params_; }
  const Dialect& dialect() const { return dialect_; }

 private:
  const Dialect& dialect_;
  std::vector<std::string> conditions_;
  std::vector<Value> params_;
  bool matchesNothing_ = false;
};

// What one engine spells its own way. Implementations are stateless and thread-safe.
class Dialect {
 public:
  // `placeholderSign` makes the n-th placeholder ('?' gives "?3"); trueSql/falseSql are the
  // conditions every row and no row meets.
  Dialect(char placeholderSign, const char* trueSql, const char* falseSql)
      : placeholderSign_(placeholderSign), trueSql_(trueSql), falseSql_(falseSql) {}
  virtual ~Dialect() = default;

  std::string placeholder(std::size_t n) const { return placeholderSign_ + std::to_string(n); }
  const char* trueSql() const { return trueSql_; }
  const char* falseSql() const { return falseSql_; }

  // The row of `alias` (assets a, tasks t) is not soft-deleted, as the engine's partial
  // indexes of live rows spell it.
  virtual std::string live(const std::string& alias) const = 0;
  // `column` is one of `values` (non-empty), or with `negated` none of them.
  virtual std::string inList(SqlConditions& out, const std::string& column,
                             const std::vector<std::string>& values, bool negated) const = 0;
  // `column` starts with `prefix` (non-empty), literally (no wildcards), as an index range.
  virtual std::string startsWith(SqlConditions& out, const std::string& column,
                                 const std::string& prefix) const = 0;
  // A boolean column is `value`.
  virtual std::string is(SqlConditions& out, const std::string& column, bool value) const = 0;
  // A float parameter, cast where the engine needs it.
  virtual std::string real(SqlConditions& out, double value) const = 0;
  // A metadata condition that looks at the row: a path and, but for $exists, at least one
  // value (numeric for comparisons). Never NULL.
  virtual std::string metadata(SqlConditions& out, const core::MetadataCondition& c) const = 0;

 private:
  char placeholderSign_;
  const char* trueSql_;
  const char* falseSql_;
};

// A batch ref (id or name) to the id of a batch of the project, or nullopt.
using BatchResolver = std::function<std::optional<std::string>(const std::string& ref)>;

// The live assets (tasks) of one project that match `filter`: what a filtered list counts and
// pages. Batch refs resolve with `resolve`.
SqlConditions projectAssets(const Dialect& dialect, const std::string& projectId,
                            const core::AssetFilter& filter, const BatchResolver& resolve);
SqlConditions projectTasks(const Dialect& dialect, const std::string& projectId,
                           const core::TaskFilter& filter, const BatchResolver& resolve);

// Conditions on `assets AS a`.
void addAssetFilter(SqlConditions& out, const core::AssetFilter& filter,
                    const BatchResolver& resolve);
// Conditions on `tasks AS t JOIN assets AS a ON a.id = t.asset_id`.
void addTaskFilter(SqlConditions& out, const core::TaskFilter& filter,
                   const BatchResolver& resolve);

// " > ", " >= ", " < ", " <= " (spaces included), for dialects' metadata comparisons.
const char* comparisonOperator(core::CompareOp op);
// The comparison of an ordered metadata operator ($gt, $gte, $lt, $lte).
core::CompareOp metadataComparison(core::MetadataOp op);

}  // namespace assetd::store::sql
