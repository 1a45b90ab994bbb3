#pragma once
// Turns the typed filters of core/filter.hpp into PostgreSQL conditions. Values are only ever
// bound as parameters, never spliced into the SQL text. metadata.* conditions are jsonb
// operators that the GIN index on assets.metadata_doc serves: equality and $in are containment
// (@>), $exists is a strict JSON path (@?), comparisons a JSON path predicate (@@).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/filter.hpp"
#include "store/postgres/connection.hpp"

namespace assetd::store::postgres {

// ANDed conditions with numbered parameters ($1, $2, ...).
class SqlConditions {
 public:
  // Adds a parameter and returns its placeholder ("$3").
  std::string text(const std::string& value);
  std::string integer(std::int64_t value);
  std::string real(double value);
  std::string array(const ArrayParam& value);
  void add(std::string condition) { conditions_.push_back(std::move(condition)); }
  // A condition no row can meet (an unknown batch in an all-of): callers can skip the query.
  void addNothing() {
    matchesNothing_ = true;
    add("false");
  }
  bool matchesNothing() const { return matchesNothing_; }
  // "c1 AND c2 ..."; "true" when empty.
  std::string sql() const;
  const Params& params() const { return params_; }

 private:
  std::string placeholder() const { return "$" + std::to_string(params_.next() - 1); }
  std::vector<std::string> conditions_;
  Params params_;
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

// The JSON path (strict mode) of a metadata path, keys in the stored form.
std::string metadataJsonPath(const std::vector<std::string>& path);
// {"k1":{"k2":<value>}}: what a document with `value` at `path` contains (stored form).
std::string metadataContainment(const std::vector<std::string>& path, const core::Scalar& value);

}  // namespace assetd::store::postgres
