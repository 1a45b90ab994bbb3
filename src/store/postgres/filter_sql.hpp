#pragma once
// PostgreSQL's spelling of the shared filter SQL (store/sql/filter_sql.hpp): $N placeholders,
// booleans, text arrays (= ANY ($1::text[])), prefixes with ^@ on the "C" collation index, and
// metadata.* as jsonb operators that the GIN index on assets.metadata_doc serves: equality and
// $in are containment (@>), $exists is a strict JSON path (@?), comparisons a JSON path
// predicate (@@).
#include <string>
#include <vector>

#include "core/filter.hpp"
#include "store/postgres/connection.hpp"
#include "store/sql/filter_sql.hpp"

namespace assetd::store::postgres {

// The dialect object; stateless.
const sql::Dialect& dialect();

// The parameters of `conditions` as libpq parameters (lists as text arrays).
Params paramsOf(const sql::SqlConditions& conditions);

// The JSON path (strict mode) of a metadata path, keys in the stored form.
std::string metadataJsonPath(const std::vector<std::string>& path);
// {"k1":{"k2":<value>}}: what a document with `value` at `path` contains (stored form).
std::string metadataContainment(const std::vector<std::string>& path, const core::Scalar& value);

}  // namespace assetd::store::postgres
