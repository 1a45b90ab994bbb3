#pragma once
// Turns the typed filters of core/filter.hpp into SQL conditions. Values are only ever bound
// as parameters, never spliced into the SQL text.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/filter.hpp"
#include "store/sqlite/database.hpp"

namespace assetd::store::sqlite {

using SqlValue = std::variant<std::int64_t, double, std::string>;

// ANDed conditions with numbered parameters (?1, ?2, ...).
class SqlConditions {
 public:
  // Adds a parameter and returns its placeholder ("?3").
  std::string param(SqlValue value);
  void add(std::string condition) { conditions_.push_back(std::move(condition)); }
  // A condition no row can meet (an unknown batch in an all-of): callers can skip the query.
  void addNothing() {
    matchesNothing_ = true;
    add("0");
  }
  bool matchesNothing() const { return matchesNothing_; }
  // "c1 AND c2 ..."; "1" when empty.
  std::string sql() const;
  // Binds every parameter; the statement must not outlive this object's values.
  void bindTo(Statement& statement) const;

 private:
  std::vector<std::string> conditions_;
  std::vector<SqlValue> params_;
  bool matchesNothing_ = false;
};

// A batch ref (id or name) to the id of a batch of the project, or nullopt.
using BatchResolver = std::function<std::optional<std::string>(const std::string& ref)>;

// Conditions on `assets AS a`.
void addAssetFilter(SqlConditions& out, const core::AssetFilter& filter,
                    const BatchResolver& resolve);
// Conditions on `tasks AS t JOIN assets AS a ON a.id = t.asset_id`.
void addTaskFilter(SqlConditions& out, const core::TaskFilter& filter,
                   const BatchResolver& resolve);

// The smallest string greater than every string that starts with `prefix`, or nullopt when
// there is none (empty prefix, or only 0xFF bytes). Byte order, as SQLite's BINARY collation.
std::optional<std::string> prefixUpperBound(const std::string& prefix);

}  // namespace assetd::store::sqlite
