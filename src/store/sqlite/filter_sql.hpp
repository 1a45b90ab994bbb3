#pragma once
// SQLite's spelling of the shared filter SQL (store/sql/filter_sql.hpp): ?N placeholders, 0/1
// booleans, expanded IN lists, prefixes as byte ranges, and metadata through json_type and
// json_extract (json_each for keys a JSON path cannot spell).
#include <optional>
#include <string>

#include "store/sql/filter_sql.hpp"
#include "store/sqlite/database.hpp"

namespace assetd::store::sqlite {

// The dialect object; stateless.
const sql::Dialect& dialect();

// Binds every parameter of `conditions` to `statement`; the statement must not outlive them.
void bindParams(Statement& statement, const sql::SqlConditions& conditions);

// The smallest string greater than every string that starts with `prefix`, or nullopt when
// there is none (empty prefix, or only 0xFF bytes). Byte order, as SQLite's BINARY collation.
std::optional<std::string> prefixUpperBound(const std::string& prefix);

}  // namespace assetd::store::sqlite
